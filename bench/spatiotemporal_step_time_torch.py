"""The training steps of ganpipe's default spatiotemporal models in PyTorch, for
bench/spatiotemporal-step-time.ts: the same networks, loss and optimizer, one thread.
Prints JSON {"torch", "blas", "matmulMs", "ms": {model: median ms per step}}.

    /usr/bin/python3 bench/spatiotemporal_step_time_torch.py STEPS REPETITIONS MODELS_JSON

MODELS_JSON holds the resolved settings of both models (the TS side reads them from
ganpipe's dataset defaults, so this script keeps no copy of them).
field: the advection generator (core/model/advection-generator.ts) against the
frames-as-channels or the 3-D convolutional D (both with minibatch deviation), R1 as set.
sequence: an MLP writing cosine weights per feature (core/model/time-basis-generator.ts)
against an MLP D, R1 as set.
Real batches come from a pool drawn once (ganpipe draws each batch fresh in JS, a small
cost that this side does not pay).
"""
import json
import math
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F

from torch_timing import blas_check, median_ms_per_step

torch.set_num_threads(1)
torch.manual_seed(0)


def bilinear_upsampling(size):
    """[size, 2*size]: half-pixel centres, clamped edges (field-layers.ts, bilinearUpsampling)."""
    matrix = torch.zeros(size, 2 * size)
    for target in range(2 * size):
        position = min(max((target + 0.5) / 2 - 0.5, 0), size - 1)
        below = math.floor(position)
        above = min(below + 1, size - 1)
        weight = position - below
        matrix[below, target] += 1 - weight
        matrix[above, target] += weight
    return matrix


class AdvectionGenerator(nn.Module):
    def __init__(self, latent, hidden, frames, height, width):
        super().__init__()
        self.shape = (frames, height, width)
        sizes = [latent, *hidden]
        self.hidden = nn.Sequential(*[layer for index in range(len(hidden)) for layer in (nn.Linear(sizes[index], sizes[index + 1]), nn.ReLU())])
        self.content = nn.Linear(sizes[-1], (height // 2) * (width // 2))
        self.velocity = nn.Linear(sizes[-1], 2)
        self.register_buffer("upsampling", torch.kron(bilinear_upsampling(height // 2), bilinear_upsampling(width // 2)))
        self.register_buffer("offsets", (torch.arange(frames) - (frames - 1) / 2).view(1, frames, 1, 1))

    @staticmethod
    def shift(delta, size):
        """Lanczos-3 interpolation matrices [n, frames, size, size] (advection-generator.ts, shiftMatrices)."""
        indices = torch.arange(size, dtype=torch.float32)
        source = (indices.view(1, 1, size, 1) - delta).clamp(0, size - 1)
        offset = (indices.view(1, 1, 1, size) - source).clamp(-3, 3)
        weights = torch.sinc(offset) * torch.sinc(offset / 3)
        return weights / weights.sum(3, keepdim=True)

    def forward(self, z):
        frames, height, width = self.shape
        n = z.shape[0]
        h = self.hidden(z)
        content = (self.content(h) @ self.upsampling).view(n, 1, height, width)
        velocity = self.velocity(h)
        rows = self.shift(velocity[:, 1].view(n, 1, 1, 1) * self.offsets, height)
        columns = self.shift(velocity[:, 0].view(n, 1, 1, 1) * self.offsets, width)
        return torch.sigmoid(rows @ content.expand(n, frames, height, width) @ columns.transpose(-1, -2))


def minibatch_deviation(features, group=4):
    n, size = features.shape
    groups = features.view(n // group, group, size)
    deviation = (groups.var(1, unbiased=False) + 1e-8).sqrt().mean(1, keepdim=True)
    return torch.cat([features, deviation.repeat_interleave(group, 0)], 1)


class FieldDiscriminator(nn.Module):
    def __init__(self, frames, height, width, channels=(8, 16)):
        super().__init__()
        self.shape = (frames, height, width)
        self.conv0 = nn.Conv3d(4, channels[0], 3, padding=1)
        self.conv1 = nn.Conv3d(channels[0], channels[1], 3, padding=1)
        self.dense0 = nn.Linear((frames // 4) * (height // 8) * (width // 8) * channels[1] + 1, 1)

    def forward(self, x):
        frames, height, width = self.shape
        n = x.shape[0]
        # Space-to-depth 2x2, then channels first for Conv3d.
        x = x.view(n, frames, height // 2, 2, width // 2, 2).permute(0, 3, 5, 1, 2, 4).reshape(n, 4, frames, height // 2, width // 2)
        x = F.avg_pool3d(F.leaky_relu(self.conv0(x), 0.2), 2)
        x = F.avg_pool3d(F.leaky_relu(self.conv1(x), 0.2), 2)
        return self.dense0(minibatch_deviation(x.reshape(n, -1)))


class FramesAsChannelsDiscriminator(nn.Module):
    """frames-as-channels-discriminator.ts: 2x2 space-to-depth, frames as channels, two Conv2d with 2x2 average pooling."""

    def __init__(self, frames, height, width, channels, first_kernel):
        super().__init__()
        self.shape = (frames, height, width)
        self.conv0 = nn.Conv2d(4 * frames, channels[0], first_kernel, padding=first_kernel // 2)
        self.conv1 = nn.Conv2d(channels[0], channels[1], 3, padding=1)
        self.dense0 = nn.Linear((height // 8) * (width // 8) * channels[1] + 1, 1)

    def forward(self, x):
        frames, height, width = self.shape
        n = x.shape[0]
        x = x.view(n, frames, height // 2, 2, width // 2, 2).permute(0, 3, 5, 1, 2, 4).reshape(n, 4 * frames, height // 2, width // 2)
        x = F.avg_pool2d(F.leaky_relu(self.conv0(x), 0.2), 2)
        x = F.avg_pool2d(F.leaky_relu(self.conv1(x), 0.2), 2)
        return self.dense0(minibatch_deviation(x.reshape(n, -1)))


class TimeBasisGenerator(nn.Module):
    def __init__(self, latent, hidden, length, features, size):
        super().__init__()
        self.shape = (length, features, size)
        sizes = [latent, *hidden, size * features]
        layers = []
        for index in range(len(sizes) - 1):
            layers.append(nn.Linear(sizes[index], sizes[index + 1]))
            if index < len(sizes) - 2:
                layers.append(nn.ReLU())
        self.mlp = nn.Sequential(*layers)
        basis = torch.tensor([[math.cos(math.pi * k * (t + 0.5) / length) for t in range(length)] for k in range(size)])
        self.register_buffer("basis", basis)

    def forward(self, z):
        length, features, size = self.shape
        weights = self.mlp(z).view(-1, size, features)
        return torch.sigmoid(torch.einsum("nkf,kt->ntf", weights, self.basis))


def mlp_layers(sizes):
    layers = []
    for index in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[index], sizes[index + 1]))
        if index < len(sizes) - 2:
            layers.append(nn.LeakyReLU(0.2))
    return layers


def step_ms(generator, discriminator, latent, batch, pool, r1_penalty, r1_every, steps, repetitions):
    g_opt = torch.optim.Adam(generator.parameters(), lr=1e-3, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(discriminator.parameters(), lr=1e-3, betas=(0.5, 0.999))
    updates = [0]

    def one_step():
        real = pool[torch.randint(0, pool.shape[0], (batch,))]
        fake = generator(torch.randn(batch, latent)).detach()
        logits = discriminator(torch.cat([real, fake]))  # one pass over both, as ganpipe
        d_loss = F.softplus(-logits[:batch]).mean() + F.softplus(logits[batch:]).mean()
        if r1_penalty > 0 and updates[0] % r1_every == 0:
            # R1 on a separate pass over the real batch, as gan-model.ts (lazy: weight k·γ).
            real.requires_grad_(True)
            (gradient,) = torch.autograd.grad(discriminator(real).sum(), real, create_graph=True)
            d_loss = d_loss + r1_penalty * r1_every / 2 * gradient.pow(2).reshape(batch, -1).sum(1).mean()
        updates[0] += 1
        d_opt.zero_grad()
        d_loss.backward()
        d_opt.step()
        g_loss = F.softplus(-discriminator(generator(torch.randn(batch, latent)))).mean()
        g_opt.zero_grad()
        g_loss.backward()
        g_opt.step()
        return d_loss.item(), g_loss.item()  # read back, as ganpipe does every step

    return median_ms_per_step(one_step, steps, repetitions, warm_up=5)


def field_step_ms(c, steps, repetitions):
    """c: the field model's resolved config, as bench/spatiotemporal-step-time.ts passes it."""
    frames, height, width = c["shape"]
    generator = AdvectionGenerator(c["latentDim"], c["hidden"], frames, height, width)
    if c["discriminator"] == "frames-as-channels":
        discriminator = FramesAsChannelsDiscriminator(frames, height, width, c["channels"], c["firstKernel"])
    else:
        discriminator = FieldDiscriminator(frames, height, width, c["channels"])
    pool = torch.rand(512, frames, height, width)
    return step_ms(generator, discriminator, c["latentDim"], c["batch"], pool, c["r1Penalty"], c["r1Every"], steps, repetitions)


def sequence_step_ms(c, steps, repetitions):
    """c: the sequence model's resolved config (an MLP G writing cosine weights, an MLP D)."""
    length, features = c["shape"]
    generator = TimeBasisGenerator(c["latentDim"], c["hidden"], length, features, c["basisSize"])
    discriminator = nn.Sequential(nn.Flatten(), *mlp_layers([length * features, *c["discriminatorHidden"], 1]))
    pool = torch.rand(2048, length, features)
    return step_ms(generator, discriminator, c["latentDim"], c["batch"], pool, c["r1Penalty"], c["r1Every"], steps, repetitions)


if __name__ == "__main__":
    steps, repetitions, models = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
    blas, matmul_ms = blas_check()
    ms = {"field": field_step_ms(models["field"], steps, repetitions), "sequence": sequence_step_ms(models["sequence"], steps, repetitions)}
    print(json.dumps({"torch": torch.__version__, "blas": blas, "matmulMs": matmul_ms, "ms": ms}))
