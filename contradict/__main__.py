from contradict.cli import run

run()
