from __future__ import annotations

import socket

import numpy as np
import pytest

from recommender import embeddings

SPIKING = "Spiking neural networks on neuromorphic hardware: energy-efficient event-driven computation."
SPIKING_TOO = "Training spiking neurons for low-power neuromorphic chips with surrogate gradients."
PROTEINS = "Predicting protein structure from amino acid sequences with attention."
RECIPES = "A collection of traditional bread recipes from rural bakeries."


@pytest.fixture
def network_unreachable(monkeypatch, tmp_path):
    """Every connection to anything but this machine fails, and there is no home cache to fall back on."""
    real_connect = socket.socket.connect
    attempts: list[object] = []

    def connect(self, address):
        local = self.family == socket.AF_UNIX or address[0] in ("127.0.0.1", "::1", "localhost")
        if local:
            return real_connect(self, address)
        attempts.append(address)
        raise OSError(f"network unreachable in this test: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "create_connection", _refused(attempts))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    # A model another test already loaded would prove nothing: load it afresh, here.
    monkeypatch.setattr(embeddings, "_model", None)
    return attempts


def _refused(attempts):
    def create_connection(address, *args, **kwargs):
        attempts.append(address)
        raise OSError(f"network unreachable in this test: {address!r}")

    return create_connection


def test_the_model_loads_and_embeds_with_the_network_unreachable(network_unreachable):
    vectors = embeddings.embed_texts([SPIKING, SPIKING_TOO, PROTEINS, RECIPES])

    assert network_unreachable == []
    assert vectors.dtype == np.float32
    assert vectors.shape == (4, 256)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_texts_about_the_same_thing_are_closer_than_unrelated_ones():
    vectors = embeddings.embed_texts([SPIKING, SPIKING_TOO, PROTEINS, RECIPES])
    similarity = vectors @ vectors.T

    assert similarity[0, 1] > similarity[0, 2]
    assert similarity[0, 1] > similarity[0, 3]
    assert similarity[2, 0] > similarity[2, 3]


def test_a_smaller_width_keeps_the_first_dimensions_and_unit_length(settings):
    full = embeddings.embed_texts([SPIKING, PROTEINS])
    settings.EMBEDDING_DIMENSIONS = 64
    short = embeddings.embed_texts([SPIKING, PROTEINS])

    assert short.shape == (2, 64)
    np.testing.assert_allclose(np.linalg.norm(short, axis=1), 1.0, rtol=1e-5)
    # The same direction as the full vector's first 64 numbers: truncated, then normalised again.
    expected = full[:, :64] / np.linalg.norm(full[:, :64], axis=1, keepdims=True)
    np.testing.assert_allclose(short, expected, rtol=1e-5, atol=1e-6)


def test_empty_input_and_empty_text_give_no_nan():
    assert embeddings.embed_texts([]).shape == (0, 256)
    vectors = embeddings.embed_texts(["", SPIKING])

    assert not np.isnan(vectors).any()
    assert np.linalg.norm(vectors[1]) == pytest.approx(1.0, rel=1e-5)


def test_stored_bytes_read_back_as_the_same_vectors():
    vectors = embeddings.embed_texts([SPIKING, PROTEINS])
    blobs = [embeddings.vector_to_bytes(row) for row in vectors]

    assert len(blobs[0]) == 256 * 4
    np.testing.assert_array_equal(embeddings.vectors_from_bytes(blobs), vectors)
