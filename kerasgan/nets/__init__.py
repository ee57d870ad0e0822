"""Generator / discriminator network builders.

Every builder returns a functional ``keras.Model`` made of built-in layers only
(serializable with ``get_config``/``from_config`` and ``keras.models.load_model``
without custom objects). Output/logit layers always compute in float32, so the
networks are safe under ``mixed_float16`` / ``mixed_bfloat16`` policies.
"""

from kerasgan.nets.dcgan import check_image_size, dcgan_discriminator, dcgan_generator
from kerasgan.nets.mlp import mlp_discriminator, mlp_generator
from kerasgan.nets.registry import NET_BUILDERS, build

__all__ = [
    "NET_BUILDERS",
    "build",
    "check_image_size",
    "dcgan_discriminator",
    "dcgan_generator",
    "mlp_discriminator",
    "mlp_generator",
]
