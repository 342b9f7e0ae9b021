from textbus.assignments.bootstrap import bootstrap
from textbus.kit.service import main


def run() -> None:
    main(bootstrap)


if __name__ == "__main__":
    run()
