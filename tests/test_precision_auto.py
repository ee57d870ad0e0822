"""``mixed_precision: auto``: the policy follows the hardware, and a run records what it used."""

import pytest

from kerasgan.core.precision import MIXED_PRECISION_POLICIES, auto_policy, cpu_flags
from kerasgan.training import TrainConfig


@pytest.mark.parametrize(
    "gpus, accelerators, flags, expected",
    [
        ([(8, 0)], ["GPU"], [], "mixed_bfloat16"),  # Ampere: native bfloat16
        ([(7, 5)], ["GPU"], [], "mixed_float16"),  # Turing: float16 tensor cores only
        ([(7, 0), (9, 0)], ["GPU"], [], "mixed_float16"),  # the oldest GPU decides
        ([], ["TPU"], [], "mixed_bfloat16"),
        ([], [], ["avx2", "avx512f", "avx512_bf16"], "mixed_bfloat16"),
        ([], [], ["avx2", "amx_bf16"], "mixed_bfloat16"),
        ([], [], ["avx2", "avx512f"], "float32"),  # bfloat16 would be emulated
    ],
)
def test_auto_policy_follows_the_hardware(gpus, accelerators, flags, expected):
    assert auto_policy(gpus, accelerators, flags) == expected


def test_cpu_flags_read_proc_cpuinfo(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nflags\t\t: fpu avx2 avx512_bf16\n")
    assert cpu_flags(str(info)) == {"fpu", "avx2", "avx512_bf16"}
    assert cpu_flags(str(tmp_path / "missing")) == set()


def test_a_config_resolves_auto_to_this_machines_policy():
    config = TrainConfig.from_dict({"family": "gan", "data": "ring8", "mixed_precision": "auto"})
    resolved = config.resolved()
    assert resolved.mixed_precision in MIXED_PRECISION_POLICIES
    assert resolved.mixed_precision == auto_policy()
