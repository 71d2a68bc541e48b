"""Placeholder CLI."""
import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="twoway")
    sub = parser.add_subparsers(dest="cmd", required=True)
    serve = sub.add_parser("serve")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    from . import create_app
    create_app().run(host=args.host, port=args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
