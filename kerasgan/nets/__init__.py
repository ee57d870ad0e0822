"""Generator / discriminator network builders.

Every builder returns a functional ``keras.Model`` made of built-in layers only
(serializable with ``get_config``/``from_config`` and ``keras.models.load_model``
without custom objects), except SAGAN's, whose ``SelfAttention`` is registered
with Keras' serialization (``load_model`` finds it once kerasgan is imported). Output/logit layers always compute in float32, so the
networks are safe under ``mixed_float16`` / ``mixed_bfloat16`` policies.

Layout: shared pieces first -- :mod:`~kerasgan.nets.checks` (argument
checks), :mod:`~kerasgan.nets.blocks` (init, normalisation, conv and dense
blocks), :mod:`~kerasgan.nets.labels` (label inputs and codes),
:mod:`~kerasgan.nets.heads` (logit, projection, class and ``Q`` heads) -- then
one module per architecture, each with its plain, conditional and
auxiliary-head variants: :mod:`~kerasgan.nets.mlp`,
:mod:`~kerasgan.nets.dcgan_generators`, :mod:`~kerasgan.nets.dcgan_discriminators`,
:mod:`~kerasgan.nets.encoders` (image encoders, BiGAN's joint discriminator),
:mod:`~kerasgan.nets.translation` (U-Net, ResNet),
:mod:`~kerasgan.nets.patchgan` and :mod:`~kerasgan.nets.sagan` (with
:class:`kerasgan.layers.SelfAttention`, the one builder that uses a kerasgan layer). Each builder registers itself with
:func:`register_net`; :func:`build` builds one by name.
"""

from kerasgan.nets.autoencoder import conv_autoencoder, mlp_autoencoder
from kerasgan.nets.checks import check_image_size
from kerasgan.nets.dcgan_discriminators import (
    acgan_discriminator,
    conditional_dcgan_discriminator,
    dcgan_discriminator,
    infogan_discriminator,
    vaegan_discriminator,
)
from kerasgan.nets.dcgan_generators import conditional_dcgan_generator, dcgan_generator
from kerasgan.nets.encoders import conv_encoder, joint_discriminator
from kerasgan.nets.mlp import (
    conditional_mlp_discriminator,
    conditional_mlp_generator,
    infogan_mlp_discriminator,
    mlp_discriminator,
    mlp_generator,
)
from kerasgan.nets.patchgan import patchgan_discriminator, stargan_discriminator
from kerasgan.nets.registry import NET_BUILDERS, build, register_net
from kerasgan.nets.sagan import sagan_discriminator, sagan_generator
from kerasgan.nets.translation import resnet_generator, unet_generator

__all__ = [
    "conv_autoencoder",
    "conv_encoder",
    "mlp_autoencoder",
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
    "joint_discriminator",
    "mlp_discriminator",
    "mlp_generator",
    "patchgan_discriminator",
    "register_net",
    "resnet_generator",
    "sagan_discriminator",
    "sagan_generator",
    "stargan_discriminator",
    "unet_generator",
    "vaegan_discriminator",
]
