"""A GAN family written outside kerasgan: the relativistic average GAN.

Jolicoeur-Martineau, "The relativistic discriminator: a key element missing
from standard GAN", 2018 (arXiv:1807.00734). The discriminator estimates how
much more realistic a real sample is than the average fake (and a fake than
the average real); both networks use the relativistic logits

    real_rel = C(x)    - mean C(G(z))
    fake_rel = C(G(z)) - mean C(x)

    L_D = softplus(-real_rel) + softplus(fake_rel)
    L_G = softplus(real_rel)  + softplus(-fake_rel)

(``softplus(-a) = -log(sigmoid(a))``). The means are over each replica's
batch. Everything else (networks, optimizers, recipe, export, serving, the
zoo's presets) is inherited from ``kerasgan.GAN``.

Use it without changing kerasgan::

    kerasgan train --plugin examples/ragan.py --family ragan --data ring8 --out runs/ragan
    kerasgan export savedmodel runs/ragan/model.keras --base exports --name ragan \
        --plugin examples/ragan.py

or from Python: ``kerasgan.families.load_plugin("examples/ragan.py")`` (or a
plain ``import``), then ``kerasgan.families.get("ragan")``.
"""

from keras import ops

import kerasgan
from kerasgan.core import replica_mean


@kerasgan.families.register("ragan")
class RaGAN(kerasgan.GAN):
    """Relativistic average GAN (Jolicoeur-Martineau 2018), non-saturating form.

    Args:
        generator, discriminator, latent_dim, **kwargs: see :class:`kerasgan.GAN`.

    Example:
        >>> spec = kerasgan.data.spec("ring8")
        >>> model = RaGAN.build_for_data(spec, latent_dim=16)
        >>> model.compile()
        >>> model.fit(kerasgan.data.load("ring8", batch_size=256), epochs=5)
    """

    def _relativistic_logits(self, real, fake, training, discriminator_training):
        real_logits = ops.cast(self.discriminator(real, training=discriminator_training), "float32")
        fake_logits = ops.cast(self.discriminator(fake, training=discriminator_training), "float32")
        real_rel = ops.reshape(real_logits - ops.mean(fake_logits), (-1,))
        fake_rel = ops.reshape(fake_logits - ops.mean(real_logits), (-1,))
        return real_rel, fake_rel

    def discriminator_terms(self, batch, draw, training=True):
        """``L_D``: real samples should look more realistic than the average fake."""
        fake = ops.stop_gradient(self.generator(self.latents_for(batch, draw), training=training))
        real_rel, fake_rel = self._relativistic_logits(batch["real"], fake, training, training)
        d_loss = replica_mean(ops.softplus(-real_rel) + ops.softplus(fake_rel))
        return {"d_loss": d_loss}

    def generator_terms(self, batch, training=True):
        """``L_G``: fakes should look more realistic than the average real sample."""
        fake = self.generator(self.latents_for(batch, self.d_steps), training=training)
        real_rel, fake_rel = self._relativistic_logits(
            batch["real"], fake, training,
            training and self.discriminator_training_in_generator_update,
        )
        g_loss = replica_mean(ops.softplus(real_rel) + ops.softplus(-fake_rel))
        return {"g_loss": g_loss}
