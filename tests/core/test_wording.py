from muxclipper.core.wording import counted


def test_one_is_singular_and_every_other_count_plural() -> None:
    assert counted(1, "row") == "1 row"
    assert [counted(n, "clip") for n in (0, 2, 1200)] == ["0 clips", "2 clips", "1,200 clips"]
    assert counted(3, "copy", "copies") == "3 copies"
