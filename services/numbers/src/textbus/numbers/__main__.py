from textbus.kit.service import main
from textbus.numbers.bootstrap import bootstrap


def run() -> None:
    main(bootstrap)


if __name__ == "__main__":
    run()
