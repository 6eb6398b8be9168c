"""The ``bedrock-conformance`` command.

  run       run the suite against a target (default: the bundled reference emulator) and write reports
  serve     serve the reference emulator over HTTP (optionally with faults) for anyone's boto3 client
  schemas   check (--check) or rewrite (--write) schemas/ from the installed botocore model
  clauses   print the clause catalogue (Markdown; --format json: a list of clause objects)
  faults    list the reference emulator's faults and quirks (--format json: with each fault's expected clauses)
  sweep     list (and with --delete remove) what earlier runs left on a target (aws, URL, moto-server)
  replay    run a reproducer (reports/<run>/reproducers/<CLAUSE>.py) through the suite, with its full wire checks

Exit codes: 0 conformant / ok, 1 non-conformance found / drift, 2 the run could not be made.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

SUITE_DIR = Path(__file__).resolve().parent / "suite"


class _Parser(argparse.ArgumentParser):
    """Bad flags: one clear line and exit code 2 (no usage dump)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"bedrock-conformance: {message} (see --help)\n")
        raise SystemExit(2)


def _fail(message: str, code: int = 2) -> int:
    sys.stderr.write(f"bedrock-conformance: {message}\n")
    return code


def _add_flags(parser: argparse.ArgumentParser, *scopes: str) -> None:
    from conformance.catalogue.flags import FLAGS

    for flag in FLAGS:
        if flag.scope in scopes:
            parser.add_argument(flag.name, **flag.argparse_kwargs())


def _settings_from(args: argparse.Namespace) -> Any:
    from conformance.catalogue import settings as settings_mod
    from conformance.catalogue.flags import settings_flags

    return settings_mod.load(settings_flags(lambda dest: getattr(args, dest, None)), config=args.config)


def _pytest_args(args: argparse.Namespace, passthrough: list[str]) -> list[str]:
    from conformance.catalogue.flags import FLAGS

    out = ["--pyargs", "conformance.suite", "-c", str(SUITE_DIR / "conformance.ini"),
           "--rootdir", str(SUITE_DIR), "-p", "no:cacheprovider"]
    for flag in FLAGS:
        out += flag.as_pytest_args(getattr(args, flag.dest))
    if args.workers:
        out += ["-n", args.workers]
    out += {"quiet": ["-q", "--no-header"], "verbose": ["-v"], "normal": ["--no-header"]}[args.output]
    out.append("-rN")  # the bedrock-conformance section lists every failed clause; pytest's short summary repeats
    # it with cut-off messages and paths
    return out + passthrough


def cmd_run(args: argparse.Namespace, passthrough: list[str]) -> int:
    from conformance.catalogue import settings as settings_mod
    from conformance.catalogue.clauses import TargetUnavailable
    from conformance.report.report import load_baseline
    from conformance.session.run import selectors

    settings = None
    try:
        settings = _settings_from(args)
        load_baseline(args.baseline)
        selectors(args.only)
        selectors(args.skip)
    except settings_mod.SettingsError as exc:
        return _unusable(args, settings, str(exc))
    if settings.billable_run and args.workers:
        return _unusable(args, settings, "a billable run against AWS runs in one process (its plan counts every "
                                         "Provisioned Throughput): drop -n")
    notes: tuple[str, ...] = ()
    if settings.kind.aws:  # free and fast, before anything billable: region, model, quota (docs/aws.md)
        from conformance.targets import preflight

        try:
            found = preflight.run(settings)
        except preflight.PreflightRefused as exc:
            return _unusable(args, settings, str(exc))
        except (TargetUnavailable, settings_mod.SettingsError) as exc:
            return _unusable(args, settings, f"target {settings.target} is not usable: {exc}")
        settings, notes = found.settings, tuple(found.notes)
        args.models = ",".join(settings.models)  # pytest runs with what the plan names
        args.max_live = settings.max_live if settings.max_live != found.asked_max_live else args.max_live
        if not settings.billable_run:
            for note in notes:
                print(f"bedrock-conformance: {note}")
    if settings.billable_run:
        from conformance.targets.aws import confirm

        if not confirm(settings, assume_yes=args.yes, notes=notes):
            return _unusable(args, settings, "billable run not confirmed: nothing was created")
    if settings.kind.probed and not settings.kind.aws:
        try:
            _preflight(settings)
        except (TargetUnavailable, settings_mod.SettingsError) as exc:
            return _unusable(args, settings, f"target {settings.target} is not usable: {exc}")
    args.target = settings.target
    import pytest

    code = pytest.main(_pytest_args(args, passthrough))
    return int(code) if int(code) in (0, 1, 2) else 2


def _unusable(args: argparse.Namespace, settings: Any, reason: str) -> int:
    """Exit 2 with one line, and still the four reports (verdict "error", the reason as its problem and as "reason")."""
    code = _fail(reason)
    if not args.no_report:
        from conformance.session.run import write_unusable_report

        try:
            paths = write_unusable_report(settings, reason, report_dir=args.report_dir, profile=args.profile,
                                          seed=args.seed)
            print(f"reports: {paths[0].parent}")
        except OSError as exc:
            sys.stderr.write(f"bedrock-conformance: could not write the reports: {exc}\n")
    return code


def _preflight(settings: Any) -> None:
    """An unreachable URL or missing credentials: one line, before any test starts."""
    from conformance.targets.target import open_target, probe

    target = open_target(settings)
    try:
        probe(target)
    finally:
        target.close()


def cmd_sweep(args: argparse.Namespace) -> int:
    """List, and with --delete remove, what earlier runs left: only names with the prefix AND the run tag."""
    from botocore.exceptions import BotoCoreError, ClientError

    from conformance.catalogue import settings as settings_mod
    from conformance.catalogue.clauses import TargetUnavailable
    from conformance.targets.aws import leftovers
    from conformance.targets.target import open_target

    try:
        settings = _settings_from(args)
        if not settings.kind.sweepable:
            return _fail(f"sweep needs a target that outlives a run (aws, a URL, moto-server), not "
                         f"{settings.target}")
        target = open_target(settings)
    except (settings_mod.SettingsError, TargetUnavailable) as exc:
        return _fail(str(exc))
    try:
        found = leftovers(target)
        for item in found:
            print(f"{item['provisionedModelArn']}  {item['provisionedModelName']}  run={item['run']}  "
                  f"status={item['status']}")
        if not args.delete:
            print(f"{len(found)} leftover(s); --delete removes them")
            return 0
        failed = 0
        for item in found:
            try:
                target.sdk.delete_provisioned_model_throughput(provisionedModelId=item["provisionedModelArn"])
                print(f"deleted {item['provisionedModelArn']}")
            except ClientError as exc:
                failed += 1
                print(f"could not delete {item['provisionedModelArn']}: {exc.response.get('Error', {}).get('Code')}")
        return 1 if failed else 0
    except (ClientError, BotoCoreError, TargetUnavailable) as exc:
        return _fail(f"sweep failed: {exc}")
    finally:
        target.close()


def cmd_replay(args: argparse.Namespace) -> int:
    """A reproducer's steps and check on the suite's own clients: every answer also through the wire checker."""
    from conformance.catalogue import settings as settings_mod
    from conformance.catalogue.clauses import TargetUnavailable
    from conformance.report.reproducer import replay
    from conformance.targets.target import open_target

    script = Path(args.script)
    if not script.is_file():
        return _fail(f"no reproducer at {script}")
    try:
        target = open_target(_settings_from(args))
    except (settings_mod.SettingsError, TargetUnavailable) as exc:
        return _fail(str(exc))
    try:
        code, lines = replay(script, target)
    except TargetUnavailable as exc:
        return _fail(f"replay failed: {exc}")
    finally:
        target.close()
    print("\n".join(lines))
    return code


def cmd_serve(args: argparse.Namespace) -> int:
    from bedrock_emulator import server

    def error(message: str) -> NoReturn:
        raise SystemExit(_fail(message))

    return int(server.serve(args, error) or 0)


def cmd_schemas(args: argparse.Namespace) -> int:
    from schemas import SCHEMA_DIR, generate

    directory = Path(args.dir) if args.dir else SCHEMA_DIR
    if args.write:
        generate.write(directory)
        print(f"schemas written to {directory}")
        return 0
    ok, diff = generate.check(directory)
    if ok:
        print(f"schemas in {directory} match the installed botocore model")
        return 0
    sys.stdout.write(diff if diff.endswith("\n") else diff + "\n")
    sys.stderr.write("bedrock-conformance: schemas drifted from the installed botocore model "
                     "(bedrock-conformance schemas --write regenerates them)\n")
    return 1


def cmd_clauses(args: argparse.Namespace) -> int:
    import dataclasses
    import json

    from conformance.catalogue.clauses import CATALOGUE, catalogue_markdown

    if args.format == "json":
        print(json.dumps([dataclasses.asdict(clause) for clause in CATALOGUE.values()], indent=2))
    else:
        print(catalogue_markdown())
    return 0


def cmd_faults(args: argparse.Namespace) -> int:
    import json

    from bedrock_emulator.faults import FAULTS
    from bedrock_emulator.quirks import QUIRKS
    from conformance.catalogue.fault_catalogue import EXPECTED, UNPROVEN

    if args.format == "json":
        print(json.dumps({
            "faults": [{"name": name, "description": text,
                        "expected_clauses": sorted(EXPECTED[name][0]) if name in EXPECTED else []}
                       for name, text in FAULTS.items()],
            "quirks": [{"name": name, "description": text} for name, text in QUIRKS.items()],
            "unproven": dict(UNPROVEN),
        }, indent=2))
        return 0
    width = max(map(len, [*FAULTS, *QUIRKS]))
    print("Faults (realistic bugs; the suite must fail each):")
    for name, text in FAULTS.items():
        print(f"  {name:{width}}  {text}")
    print("\nQuirks (conformant alternatives the contract allows; the suite must pass them, `--quirk all` too):")
    for name, text in QUIRKS.items():
        print(f"  {name:{width}}  {text}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from conformance.catalogue.flags import RUN, TARGET

    parser = _Parser(prog="bedrock-conformance", description=__doc__,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    run = sub.add_parser("run", help="run the suite against a target")
    _add_flags(run, TARGET, RUN)
    run.add_argument("-n", "--workers", default=None, help="pytest-xdist workers (a number or auto)")
    out = run.add_mutually_exclusive_group()
    out.add_argument("-q", "--quiet", dest="output", action="store_const", const="quiet")
    out.add_argument("-v", "--verbose", dest="output", action="store_const", const="verbose")
    run.set_defaults(output="normal")

    from bedrock_emulator import server

    serve = sub.add_parser("serve", help="serve the reference emulator over HTTP for your own tests",
                           description="Serve the reference emulator over HTTP (any SDK, endpoint_url=the printed "
                                       "URL, any credentials). Prints its URL once serving; stops on Ctrl-C or "
                                       "SIGTERM.")
    server.add_arguments(serve)

    schemas = sub.add_parser("schemas", help="check or rewrite schemas/ from the installed botocore model")
    mode = schemas.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 with a diff when schemas/ drifted (default)")
    mode.add_argument("--write", action="store_true", help="rewrite the generated files")
    schemas.add_argument("--dir", default=None, help="the schemas directory (default: the installed one)")

    sweep = sub.add_parser("sweep", help="list (--delete: remove) what earlier runs left on a target")
    _add_flags(sweep, TARGET)
    sweep.add_argument("--delete", action="store_true", help="delete what was found")

    replay = sub.add_parser("replay", help="run a reproducer through the suite (its wire checks included)",
                            description="Take a reproducer's steps and its check on the suite's own clients: exit "
                                        "1 while the clause (or a wire check of an answer) fails, 0 when all hold, "
                                        "2 when a step can no longer be taken.")
    replay.add_argument("script", help="reports/<run>/reproducers/<CLAUSE>.py")
    _add_flags(replay, TARGET)

    clauses = sub.add_parser("clauses", help="print the clause catalogue (Markdown, or JSON with --format json)")
    clauses.add_argument("--format", choices=("markdown", "json"), default="markdown")
    faults = sub.add_parser("faults", help="list the reference emulator's faulty variants and conformant quirks, "
                                           "and the clauses each fault must fail")
    faults.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    passthrough: list[str] = []
    if "--" in argv:
        index = argv.index("--")
        argv, passthrough = argv[:index], argv[index + 1:]
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        if args.command == "run":
            return cmd_run(args, passthrough)
        return {"serve": cmd_serve, "schemas": cmd_schemas, "clauses": cmd_clauses, "sweep": cmd_sweep,
                "faults": cmd_faults, "replay": cmd_replay}[args.command](args)
    except KeyboardInterrupt:
        return _fail("interrupted")
    except BrokenPipeError:  # the reader stopped early (`| head`): stop quietly, as cat and grep do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the last flush at exit cannot fail
        return 0 if args.command != "run" else 2


if __name__ == "__main__":
    raise SystemExit(main())
