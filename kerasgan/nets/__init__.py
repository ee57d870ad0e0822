"""Generator / discriminator network builders.

Every builder returns a functional ``keras.Model`` made of built-in layers only
(serializable with ``get_config``/``from_config`` and ``keras.models.load_model``
without custom objects). Output/logit layers always compute in float32, so the
networks are safe under ``mixed_float16`` / ``mixed_bfloat16`` policies.
"""

from kerasgan.nets.conditional import (
    acgan_discriminator,
    conditional_dcgan_discriminator,
    conditional_dcgan_generator,
    conditional_mlp_discriminator,
    conditional_mlp_generator,
    infogan_discriminator,
    infogan_mlp_discriminator,
)
from kerasgan.nets.dcgan import check_image_size, dcgan_discriminator, dcgan_generator
from kerasgan.nets.mlp import mlp_discriminator, mlp_generator
from kerasgan.nets.patchgan import patchgan_discriminator, stargan_discriminator
from kerasgan.nets.registry import NET_BUILDERS, build
from kerasgan.nets.translation import resnet_generator, unet_generator

__all__ = [
    "NET_BUILDERS",
    "acgan_discriminator",
    "build",
    "check_image_size",
    "conditional_dcgan_discriminator",
    "conditional_dcgan_generator",
    "conditional_mlp_discriminator",
    "conditional_mlp_generator",
    "dcgan_discriminator",
    "dcgan_generator",
    "infogan_discriminator",
    "infogan_mlp_discriminator",
    "mlp_discriminator",
    "mlp_generator",
    "patchgan_discriminator",
    "resnet_generator",
    "stargan_discriminator",
    "unet_generator",
]
