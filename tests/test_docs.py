"""Docs kept honest: the data dictionary is generated, the README names real commands."""

from conflictmap.docs import data_dictionary
from tests.conftest import REPO


def test_data_dictionary_is_up_to_date():
    committed = (REPO / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == data_dictionary(), "run `python -m conflictmap docs` and commit the result"


def test_readme_starts_with_the_two_commands_that_ci_runs():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    blocks = readme.split("```")
    commands = [b for b in blocks[1::2]]
    assert len(commands) >= 2
    run_cmd, test_cmd = commands[0].strip().splitlines()[-1], commands[1].strip().splitlines()[-1]
    assert run_cmd == "bash run.sh" and "streamlit run app.py" in (REPO / "run.sh").read_text(encoding="utf-8")
    assert test_cmd == "bash test.sh" and "pytest" in (REPO / "test.sh").read_text(encoding="utf-8")
    assert test_cmd in ci.splitlines(), ".ci/run must run exactly the README's test command"


def test_no_merge_conflict_markers_are_left_in_the_tree():
    import subprocess

    files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    marked = []
    for name in files:
        path = REPO / name
        if path.suffix in {".py", ".md", ".csv", ".toml", ".txt", ".sh", ".js", ".html", ".cfg", ".json"} and \
                path.is_file():
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            marked += [f"{name}:{i}" for i, line in enumerate(lines, 1)
                       if line.startswith(("<<<<<<< ", ">>>>>>> ")) or line == "======="]
    assert marked == []
