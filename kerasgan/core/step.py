"""The alternating train step, and the generator forward pass it can share.

:func:`alternating_step` is what every family's ``train_step`` runs:
``d_steps`` discriminator-side updates, then one generator-side update, each
changing only its own networks' weights.

With ``reuse_generated`` the generator's forward pass of the last
discriminator update is computed once, recorded on the generator's tape, and
reused by the generator update (with the discriminator already updated), as
the reference DCGAN implementations do; otherwise the generator update draws
fresh latents and runs the generator again, as in Goodfellow et al.'s
Algorithm 1. Families take part by asking :meth:`~kerasgan.core.adversarial.
AdversarialModel.generated` for the generator's output of an update instead
of calling the generator themselves.
"""

from __future__ import annotations

from kerasgan.core import backend, remedies

#: Key of the shared forward pass in the batch dict of one train step.
GENERATED_KEY = "generated"


class GeneratedBatch:
    """The generator's output of one update, computed once per train step.

    Args:
        draw: index of the update whose output this is.
        output: what the family's ``generator_output`` returned for it.
    """

    def __init__(self, draw, output):
        self.draw = draw
        self.output = output
        self.in_generator_update = False
        self.used_by_generator_update = False


def alternating_step(model, batch):
    """One train step of ``model``: its discriminator updates, then its generator update.

    Args:
        model: an :class:`~kerasgan.core.adversarial.AdversarialModel`.
        batch: the dict from ``model.unpack_batch``.

    Returns:
        The merged (replica-reduced) terms of the last discriminator update
        and of the generator update.

    Raises:
        ValueError: ``reuse_generated`` is on but the family's generator
            update did not read the shared forward pass (the family computes
            its fakes itself, so it cannot share them).
    """
    d_variables = model.discriminator_variables()
    g_variables = model.generator_variables()
    recording = None
    if model.reuse_generated:
        recording = backend.Recording(g_variables)
        with recording:
            draw = model.generator_draw
            batch[GENERATED_KEY] = GeneratedBatch(
                draw, model.generator_output(batch, draw, training=True)
            )
    d_terms = {}
    for draw in range(model.d_steps):
        d_terms = model.apply_update(
            model.d_optimizer,
            d_variables,
            lambda draw=draw: model.discriminator_terms(batch, draw),
            "d_loss",
        )
        model.after_discriminator_update()
    generator_terms = remedies.generator_terms_fn(model, batch)  # unroll_steps, if on
    if recording is None:
        g_terms = model.apply_update(model.g_optimizer, g_variables, generator_terms, "g_loss")
    else:
        batch[GENERATED_KEY].in_generator_update = True
        g_terms = recording.apply(model.g_optimizer, generator_terms, "g_loss")
        if not batch[GENERATED_KEY].used_by_generator_update:
            raise ValueError(
                f"{type(model).__name__} does not share the generator's forward pass: its "
                "generator update computes its own fakes (not through model.generated()). "
                "Build it with reuse_generated=False."
            )
    model.after_step(d_terms, g_terms)
    return {**d_terms, **g_terms}


def generated(model, batch, draw, training=True):
    """The generator's output of update ``draw``: the shared pass if the step computed it.

    See :meth:`~kerasgan.core.adversarial.AdversarialModel.generated`.
    """
    shared = batch.get(GENERATED_KEY) if isinstance(batch, dict) else None
    if training and shared is not None and shared.draw == draw:
        if shared.in_generator_update:
            shared.used_by_generator_update = True
        return shared.output
    return model.generator_output(batch, draw, training=training)
