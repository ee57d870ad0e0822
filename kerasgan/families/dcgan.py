"""DCGAN (Radford, Metz & Chintala, 2015)."""


from kerasgan.core.gan import GAN
from kerasgan.families import register


@register("dcgan")
class DCGAN(GAN):
    """Deep convolutional GAN (Radford et al., 2015, arXiv:1511.06434).

    The GAN objective with the paper's architecture and recipe: strided
    (transposed) convolutions, batch norm in both networks except the
    generator output and the discriminator input, ReLU in G, LeakyReLU(0.2)
    in D, tanh output, Adam(2e-4, beta_1=0.5), non-saturating loss.
    ``reuse_generated=True`` makes the generator update reuse the batch the
    generator made for the discriminator update, as the authors' code does
    (one generator forward pass per step; the default draws fresh latents).
    ``build_for_data`` gives DCGAN nets for images and the MLP nets for 2-D
    points (a DCGAN has no meaning there; the recipe still applies).

    Args:
        See :class:`kerasgan.core.GAN`.

    Example:
        >>> model = DCGAN.build_for_data(kerasgan.data.spec("digits", image_size=16))
        >>> model.compile()
        >>> model.fit(kerasgan.data.load("digits", image_size=16), epochs=20)
    """

    default_loss = "non_saturating"
