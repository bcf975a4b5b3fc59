import pytest

from knutpunkt import cli


def test_hyphenated_command_and_program_name(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["/somewhere/knutpunkt/cli.py", "load-demo", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: knutpunkt load_demo") and "--cases" in out
