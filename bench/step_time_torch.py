"""The ring8 MLP GAN step in PyTorch, for bench/step-time.ts: same model, loss and
optimizer as ganpipe's default, one thread. Prints JSON {"torch", "blas", "matmulMs",
"ms": {batch: median ms per step}}.

    python3 bench/step_time_torch.py 64,256,1024 STEPS REPETITIONS
"""
import json
import sys

import torch
from torch import nn
import torch.nn.functional as F

from torch_timing import blas_check, median_ms_per_step

torch.set_num_threads(1)
torch.manual_seed(0)


def mlp(sizes, activation):
    layers = []
    for index in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[index], sizes[index + 1]))
        if index < len(sizes) - 2:
            layers.append(activation())
    return nn.Sequential(*layers)


def step_ms(batch, steps, repetitions):
    generator = mlp([2, 128, 128, 2], nn.ReLU)
    discriminator = mlp([2, 128, 128, 1], lambda: nn.LeakyReLU(0.2))
    g_opt = torch.optim.Adam(generator.parameters(), lr=1e-3, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(discriminator.parameters(), lr=1e-3, betas=(0.5, 0.999))
    angles = torch.arange(8) * (2 * torch.pi / 8)
    modes = torch.stack([torch.cos(angles), torch.sin(angles)], 1)

    def one_step():
        real = modes[torch.randint(0, 8, (batch,))] + 0.01 * torch.randn(batch, 2)
        fake = generator(torch.randn(batch, 2)).detach()
        d_loss = F.softplus(-discriminator(real)).mean() + F.softplus(discriminator(fake)).mean()
        d_opt.zero_grad()
        d_loss.backward()
        d_opt.step()
        g_loss = F.softplus(-discriminator(generator(torch.randn(batch, 2)))).mean()
        g_opt.zero_grad()
        g_loss.backward()
        g_opt.step()
        return d_loss.item(), g_loss.item()  # read back, as ganpipe does every step

    return median_ms_per_step(one_step, steps, repetitions, warm_up=10)


if __name__ == "__main__":
    batches = [int(value) for value in sys.argv[1].split(",")]
    steps, repetitions = int(sys.argv[2]), int(sys.argv[3])
    blas, matmul_ms = blas_check()
    print(json.dumps({"torch": torch.__version__, "blas": blas, "matmulMs": matmul_ms, "ms": {str(batch): step_ms(batch, steps, repetitions) for batch in batches}}))
