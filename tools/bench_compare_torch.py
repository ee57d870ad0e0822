"""The PyTorch side of ``tools/bench_compare.py``: nets laid out like kerasgan's builders, loops.

The modules mirror :func:`kerasgan.nets.dcgan_generator`,
:func:`kerasgan.nets.dcgan_discriminator` and the MLP builders layer for layer
(same filters, kernels, strides, biases, norms, activation slopes; Keras'
``"same"`` padding of a kernel-4 stride-2 conv is PyTorch's ``padding=1``).
Tensors are NCHW, PyTorch's default layout. The training steps follow the
PyTorch DCGAN reference (generator forward once; D on real and
``fake.detach()``; then G through D on the same ``fake``) and the usual
WGAN-GP loop (fresh latents and a generator forward for every critic update).

Only imported when torch is installed (the ``bench`` extra).
"""

from __future__ import annotations

import math
import time

import torch
from torch import nn
from torch.nn import functional as F

#: The DCGAN init, N(0, 0.02), for conv and dense kernels (as kerasgan.nets.blocks.dcgan_init).
_INIT_STD = 0.02


def _dcgan_init(module):
    for layer in module.modules():
        if isinstance(layer, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.normal_(layer.weight, 0.0, _INIT_STD)
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)


class DCGANGenerator(nn.Module):
    """``z -> image`` as :func:`kerasgan.nets.dcgan_generator` builds it.

    Linear(no bias) + BatchNorm + ReLU to a 4x4 map, then kernel-4 stride-2
    transposed convs (no bias) + BatchNorm + ReLU halving the filters, and a
    final transposed conv (with bias) to ``channels`` and tanh.
    """

    def __init__(self, latent_dim=100, image_size=64, channels=3, base_filters=64):
        super().__init__()
        n_up = int(math.log2(image_size)) - 2
        filters = base_filters * 2 ** (n_up - 1)
        self.filters = filters
        self.project = nn.Linear(latent_dim, 16 * filters, bias=False)
        self.project_bn = nn.BatchNorm1d(16 * filters, momentum=0.1, eps=1e-5)
        blocks = []
        for _ in range(1, n_up):
            blocks += [
                nn.ConvTranspose2d(filters, filters // 2, 4, 2, 1, bias=False),
                nn.BatchNorm2d(filters // 2, momentum=0.1, eps=1e-5),
                nn.ReLU(),
            ]
            filters //= 2
        blocks += [nn.ConvTranspose2d(filters, channels, 4, 2, 1, bias=True), nn.Tanh()]
        self.blocks = nn.Sequential(*blocks)
        _dcgan_init(self)

    def forward(self, z):
        """Images ``(N, channels, size, size)`` in [-1, 1] from latents ``(N, latent_dim)``."""
        h = F.relu(self.project_bn(self.project(z)))
        return self.blocks(h.view(-1, self.filters, 4, 4))


class DCGANDiscriminator(nn.Module):
    """``image -> logit`` as :func:`kerasgan.nets.dcgan_discriminator` builds it.

    Kernel-4 stride-2 convs doubling the filters down to 4x4, LeakyReLU(0.2);
    the first conv has a bias and no norm, the others a norm and no bias
    (``norm="batch"``: BatchNorm; ``"layer"``: LayerNorm over C, H, W per
    sample, kerasgan's WGAN-GP critic). Then flatten and Linear(1).
    """

    def __init__(self, image_size=64, channels=3, base_filters=64, norm="batch"):
        super().__init__()
        layers, filters, size, in_ch = [], base_filters, image_size, channels
        for i in range(int(math.log2(image_size)) - 2):
            size //= 2
            layers.append(nn.Conv2d(in_ch, filters, 4, 2, 1, bias=i == 0))
            if i > 0 and norm == "batch":
                layers.append(nn.BatchNorm2d(filters, momentum=0.1, eps=1e-5))
            elif i > 0 and norm == "layer":
                layers.append(nn.LayerNorm([filters, size, size], eps=1e-5))
            layers.append(nn.LeakyReLU(0.2))
            in_ch, filters = filters, filters * 2
        self.trunk = nn.Sequential(*layers)
        self.logits = nn.Linear(in_ch * 16, 1)
        _dcgan_init(self)

    def forward(self, x):
        """Logits ``(N, 1)``."""
        return self.logits(torch.flatten(self.trunk(x), 1))


def mlp(sizes, activation, output_size):
    """Linear layers of ``sizes`` with ``activation``, then a linear output (kerasgan's MLP nets).

    Args:
        sizes: input size, then each hidden width.
        activation: a module class or factory (``nn.ReLU``, ``lambda: nn.LeakyReLU(0.2)``).
        output_size: size of the linear output layer.

    Returns:
        An ``nn.Sequential`` with PyTorch's default init.
    """
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(fan_in, fan_out), activation()]
    layers.append(nn.Linear(sizes[-1], output_size))
    return nn.Sequential(*layers)


def trainable_count(module):
    """Number of trainable parameters (BatchNorm running statistics are buffers, not counted)."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def _autocast(precision):
    if precision == "bfloat16":
        return torch.autocast("cpu", dtype=torch.bfloat16)
    return torch.autocast("cpu", enabled=False)


class TorchLoop:
    """A PyTorch training loop on synthetic data: the contestant "pytorch eager".

    Args:
        generator, discriminator: the modules (float32 weights).
        algorithm: ``"gan"`` (non-saturating BCE with logits, one D update per
            G update) or ``"wgan_gp"`` (``d_steps`` critic updates with
            gradient penalty ``gp_weight``, then one generator update).
        optimizer: ``(lr, beta_1, beta_2)`` of both Adams.
        batch_shape: shape of one real batch, NCHW or ``(N, features)``.
        latent_dim: size of ``z``.
        precision: ``"float32"``, or ``"bfloat16"`` for ``torch.autocast("cpu", bfloat16)``
            around every forward pass and loss.
        d_steps, gp_weight: WGAN-GP's settings.
    """

    framework = "torch"

    def __init__(self, generator, discriminator, algorithm, optimizer, batch_shape, latent_dim,
                 precision="float32", d_steps=5, gp_weight=10.0):
        self.g, self.d = generator.train(), discriminator.train()
        lr, beta_1, beta_2 = optimizer
        self.g_opt = torch.optim.Adam(self.g.parameters(), lr=lr, betas=(beta_1, beta_2))
        self.d_opt = torch.optim.Adam(self.d.parameters(), lr=lr, betas=(beta_1, beta_2))
        self.algorithm, self.precision = algorithm, precision
        self.d_steps, self.gp_weight = d_steps, gp_weight
        self.batch, self.latent_dim = batch_shape[0], latent_dim
        generator_rng = torch.Generator().manual_seed(0)
        self.data = [torch.rand(batch_shape, generator=generator_rng) * 2 - 1 for _ in range(4)]
        self.ones = torch.ones(self.batch, 1)
        self.zeros = torch.zeros(self.batch, 1)
        self.index = 0
        self.step = self._gan_step if algorithm == "gan" else self._wgan_gp_step
        self.peak_mb = None
        for opt in (self.g_opt, self.d_opt):
            _build_state(opt)

    def _real(self):
        self.index = (self.index + 1) % len(self.data)
        return self.data[self.index]

    def _gan_step(self):
        real = self._real()
        z = torch.randn(self.batch, self.latent_dim)
        self.d_opt.zero_grad(set_to_none=True)
        with _autocast(self.precision):
            fake = self.g(z)
            d_loss = (F.binary_cross_entropy_with_logits(self.d(real), self.ones)
                      + F.binary_cross_entropy_with_logits(self.d(fake.detach()), self.zeros))
        d_loss.backward()
        self.d_opt.step()
        self.g_opt.zero_grad(set_to_none=True)
        with _autocast(self.precision):
            g_loss = F.binary_cross_entropy_with_logits(self.d(fake), self.ones)
        g_loss.backward()
        self.g_opt.step()
        return g_loss

    def _gradient_penalty(self, real, fake):
        alpha = torch.rand(self.batch, *([1] * (real.dim() - 1)))
        x_hat = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
        with _autocast(self.precision):
            scores = self.d(x_hat).float().sum()
        (grad,) = torch.autograd.grad(scores, x_hat, create_graph=True)
        norm = torch.sqrt(grad.flatten(1).square().sum(1) + 1e-12)
        return ((norm - 1.0) ** 2).mean()

    def _wgan_gp_step(self):
        real = self._real()
        for _ in range(self.d_steps):
            z = torch.randn(self.batch, self.latent_dim)
            self.d_opt.zero_grad(set_to_none=True)
            with torch.no_grad(), _autocast(self.precision):
                fake = self.g(z).float()
            with _autocast(self.precision):
                wasserstein = self.d(fake).float().mean() - self.d(real).float().mean()
            d_loss = wasserstein + self.gp_weight * self._gradient_penalty(real, fake)
            d_loss.backward()
            self.d_opt.step()
        z = torch.randn(self.batch, self.latent_dim)
        self.g_opt.zero_grad(set_to_none=True)
        with _autocast(self.precision):
            g_loss = -self.d(self.g(z)).float().mean()
        g_loss.backward()
        self.g_opt.step()
        return g_loss

    def warmup(self, steps):
        """Runs ``steps`` untimed steps (oneDNN primitive creation, allocator warm-up).

        The last one runs under the profiler to measure memory (:meth:`step_memory_mb`).
        """
        for _ in range(steps - 1):
            self.step()
        self.peak_mb = self._profiled_step()

    def timed(self, steps):
        """Seconds for ``steps`` steps (the CPU runs each step to the end before returning)."""
        start = time.perf_counter()
        for _ in range(steps):
            loss = self.step()
        float(loss.detach())
        return time.perf_counter() - start

    def _profiled_step(self):
        """One step under ``torch.profiler`` (``profile_memory=True``); returns its peak in MB.

        The peak of the running sum of the step's allocation and free events
        through PyTorch's CPU allocator, in time order: what the step itself
        allocates (activations, gradients, temporaries), not the weights or
        optimizer state that lived before it -- the analogue of the TF
        allocator peak of the TF columns.
        """
        from torch.profiler import ProfilerActivity, profile

        self.g_opt.zero_grad(set_to_none=True)  # free old gradients outside the window
        self.d_opt.zero_grad(set_to_none=True)
        with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
            self.step()
        events = sorted(
            (e.start_ns(), e.nbytes())
            for e in prof.profiler.kineto_results.events()
            if e.name() == "[memory]"
        )
        current = peak = 0
        for _, nbytes in events:
            current += nbytes
            peak = max(peak, current)
        return peak / (1024.0 * 1024.0)

    def step_memory_mb(self):
        """Peak MB allocated during the last warm-up step (see :meth:`_profiled_step`)."""
        return self.peak_mb


def _build_state(optimizer):
    """Creates Adam's moment buffers now, as Keras' ``optimizer.build`` does.

    A step with zero gradients leaves the weights unchanged; afterwards no
    timed or profiled step allocates optimizer state.
    """
    for group in optimizer.param_groups:
        for p in group["params"]:
            p.grad = torch.zeros_like(p)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)


def threads():
    """``torch.get_num_threads()``: PyTorch's intra-op threads."""
    return torch.get_num_threads()


def set_threads(count):
    """Sets PyTorch's intra-op threads."""
    torch.set_num_threads(int(count))


def version():
    """The installed torch version string."""
    return torch.__version__
