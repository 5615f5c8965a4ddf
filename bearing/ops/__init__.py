"""Operations: the commands that run, fill and look after an installation (runall, demo
data, seed, key rotation). The top floor of the house: it may import any app; no app
imports it."""
