"""The pretrained x2 super-resolution model of the sr_transfer_learning exercise
(fixtures.sr_transfer_learning): the committed weights are what the committed script produces, the
model beats bicubic interpolation on held-out x2 pairs, and the numpy forward pass graders use
matches PyTorch's convolutions."""
import numpy as np
import pytest

from fixtures import sr_transfer_learning as fx

KEYS = sorted(k for i in range(1, fx.N_LAYERS + 1) for k in fx.names(i))


@pytest.mark.slow
def test_training_script_reproduces_the_shipped_files(tmp_path):
    assert fx.main(["--train", "--out", str(tmp_path)]) == 0
    for path in (fx.PATH, fx.INIT_PATH):
        with np.load(path) as shipped, np.load(tmp_path / path.name) as rebuilt:
            assert sorted(shipped.files) == sorted(rebuilt.files) == KEYS
            for name in shipped.files:
                assert shipped[name].dtype == rebuilt[name].dtype == np.float32
                # Bitwise on one machine; BLAS/oneDNN summation order may move the last bits elsewhere.
                np.testing.assert_allclose(rebuilt[name], shipped[name], rtol=1e-4, atol=1e-6, err_msg=name)


def test_shipped_files_are_small_and_well_formed():
    for path in (fx.PATH, fx.INIT_PATH):
        assert path.stat().st_size < 200_000
        params = fx.load(path)
        assert sorted(params) == KEYS
        for i in range(1, fx.N_LAYERS + 1):
            kernel, bias = (params[n] for n in fx.names(i))
            assert kernel.shape == (fx.KERNEL, fx.KERNEL, fx.CHANNELS[i - 1], fx.CHANNELS[i])
            assert bias.shape == (fx.CHANNELS[i],)
            assert kernel.dtype == bias.dtype == np.float32


def test_pretrained_model_beats_bicubic_on_heldout_x2_pairs():
    bicubic, model = fx.heldout_gain(fx.load())
    assert model >= bicubic + fx.MIN_GAIN_DB, f"pretrained {model:.2f} dB vs bicubic {bicubic:.2f} dB"
    bicubic, untrained = fx.heldout_gain(fx.load(fx.INIT_PATH))
    assert untrained < bicubic  # the random initialisation is a real "from scratch" start


def test_pretrained_model_under_sharpens_the_new_degradation():
    """The exercise's premise: on blurrier inputs the x2 model helps, but leaves room for fine-tuning."""
    params = fx.load()
    lr_up, hr = fx.bicubic_pairs(32, 48, fx.NEW_FACTOR, "test", seed=3, blur=fx.NEW_BLUR)
    inner = (slice(None), slice(fx.BORDER, -fx.BORDER), slice(fx.BORDER, -fx.BORDER))
    err_bicubic = np.mean((lr_up[inner] - hr[inner]) ** 2)
    err_model = np.mean((np.clip(fx.forward(params, lr_up), 0, 1)[inner] - hr[inner]) ** 2)
    assert err_model < err_bicubic
    assert 10 * np.log10(err_bicubic / err_model) < 1.0  # well under what fine-tuning adds (about +1 dB)


def test_numpy_forward_matches_torch():
    torch = pytest.importorskip("torch")
    from torch.nn import functional as F

    params = fx.load()
    x = np.random.default_rng(0).uniform(0, 1, (2, 13, 17, 1))
    h = torch.as_tensor(x.transpose(0, 3, 1, 2))
    inp = h
    for i in range(1, fx.N_LAYERS + 1):
        kernel, bias = (torch.as_tensor(params[n].astype(np.float64)) for n in fx.names(i))
        h = F.conv2d(h, kernel.permute(3, 2, 0, 1), bias, padding=1)
        if i < fx.N_LAYERS:
            h = torch.relu(h)
    expected = (inp + h).numpy().transpose(0, 2, 3, 1)
    np.testing.assert_allclose(fx.forward(params, x), expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(fx.forward(params, x, residual=False), expected - x, rtol=1e-10, atol=1e-12)
