"""The `voicetrain` command."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import uuid
from pathlib import Path

from core.settings import Settings, SettingsError, load_settings


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="voicetrain", description="AI voice role-play training for counselors"
    )
    sub = p.add_subparsers(dest="command", required=True)
    dev = sub.add_parser(
        "dev", help="run the whole stack locally (embedded Postgres + Temporal dev server)"
    )
    dev.add_argument("--quiet", action="store_true", help="do not print the banner")
    demo = sub.add_parser("demo", help="one full session end to end, with its evaluation")
    demo.add_argument("--scenario", default="anxious-college-student")
    practice = sub.add_parser(
        "practice", help="practise a scenario in the terminal (text, or --voice)"
    )
    practice.add_argument("--scenario", required=True)
    practice.add_argument(
        "--voice", action="store_true", help="speak and listen (microphone + speakers)"
    )
    migrate = sub.add_parser("migrate", help="apply database migrations")
    migrate.add_argument(
        "--down", metavar="REVISION", help="downgrade to REVISION instead (e.g. base)"
    )
    migrate.add_argument(
        "--with-scenarios", action="store_true", help="then import the scenario library"
    )
    scenarios = sub.add_parser("scenarios", help="the scenario library")
    scen_sub = scenarios.add_subparsers(dest="action", required=True)
    imp = scen_sub.add_parser(
        "import", help="import scenarios (idempotent; changed content -> new version)"
    )
    imp.add_argument(
        "directory", nargs="?", type=Path, metavar="PATH", help="a scenario file or a folder"
    )
    exp = scen_sub.add_parser(
        "export", help="a stored scenario as a library file (export -> import is identity)"
    )
    exp.add_argument("slug")
    exp.add_argument("--version", type=int, help="that version (default: newest published)")
    exp.add_argument("-o", "--output", type=Path, metavar="FILE", help="default: stdout")
    scen_sub.add_parser("validate", help="validate the library without a database")
    lint = scen_sub.add_parser(
        "lint", help="check scenario files (format 2): every problem with its field path"
    )
    lint.add_argument("files", nargs="+", type=Path, metavar="FILE")
    sub.add_parser("worker", help="run the Temporal worker")
    sub.add_parser("api", help="run the REST API (uvicorn)")
    agent = sub.add_parser("agent", help="run the LiveKit agent (needs LiveKit configured)")
    agent.add_argument("agent_args", nargs=argparse.REMAINDER)
    token = sub.add_parser("token", help="mint a dev JWT")
    token.add_argument("--user", required=True, help="email (used as the subject)")
    token.add_argument("--role", choices=["trainee", "supervisor", "admin"], default="trainee")
    token.add_argument("--hours", type=float, default=12)
    evaluate = sub.add_parser("evaluate", help="score one transcript file (YAML) and print it")
    evaluate.add_argument("file", type=Path)
    evaluate.add_argument("--json", action="store_true", help="print the evaluation JSON")
    calibrate = sub.add_parser("calibrate", help="agreement of the evaluator with expert labels")
    calibrate.add_argument("directory", type=Path)
    calibrate.add_argument("--min-pass-agreement", type=float, default=0.9, metavar="P")
    calibrate.add_argument("--min-ranking", type=float, default=0.95, metavar="R")
    calibrate.add_argument(
        "--recursive", action="store_true", help="also the files in DIR's subfolders"
    )
    rescore = sub.add_parser("rescore", help="re-evaluate stored sessions, keeping history")
    which = rescore.add_mutually_exclusive_group(required=True)
    which.add_argument("--session", type=uuid.UUID, metavar="ID")
    which.add_argument("--all", action="store_true")
    bench = sub.add_parser("bench", help="benchmarks and fault injection")
    bench.add_argument("--quick", action="store_true")
    bench.add_argument("--faults", action="store_true")
    bench.add_argument("--sessions", type=int)
    bench.add_argument("--turns", type=int)
    bench.add_argument("--pacing", type=float, help="seconds between one session's turns")
    bench.add_argument(
        "--starts",
        type=int,
        metavar="N",
        help="spaced, back-to-back and concurrent starts to time (and the floor's); more gives a "
        "steadier CPU per start",
    )
    bench.add_argument(
        "--capacity",
        type=lambda v: [int(x) for x in v.split(",")],
        metavar="N,N,...",
        help="session counts to step through at speech pacing (a turn every 5 s)",
    )
    bench.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="worker processes of the bench stack (default: one per two cores)",
    )
    bench.add_argument(
        "--storm",
        type=int,
        metavar="N",
        help="N trainees press start at once beside --sessions live sessions (with and without "
        "admission control)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=os.environ.get("VOICETRAIN_LOG_LEVEL", "WARNING").upper(),
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    except ValueError as exc:  # pydantic validation of a malformed value
        print(f"invalid voicetrain configuration: {exc}", file=sys.stderr)
        return 2
    code = _dispatch(args, settings)
    sys.stdout.flush()
    sys.stderr.flush()
    # temporalio's runtime can abort during interpreter finalization (sdk-python#300);
    # the command is finished, so leave with its own exit code.
    os._exit(code)


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    from voicetrain.devstack.processes import PortBusy

    try:
        if args.command == "dev":
            from voicetrain.devstack.stack import run_dev_stack

            asyncio.run(run_dev_stack(settings, announce=not args.quiet))
            return 0
        if args.command == "demo":
            from voicetrain.session_runner import demo

            return asyncio.run(demo(settings, args.scenario))
        if args.command == "practice":
            if args.voice:
                from voicetrain.voice_practice import practice_voice

                return asyncio.run(practice_voice(settings, args.scenario))
            from voicetrain.session_runner import practice

            return asyncio.run(practice(settings, args.scenario))
        if args.command == "migrate":
            code = _migrate(settings, args.down)
            if code == 0 and args.with_scenarios and not args.down:
                args.action, args.directory = "import", None
                code = _scenarios(settings, args)
            return code
        if args.command == "scenarios":
            return _scenarios(settings, args)
        if args.command == "worker":
            from worker.main import run_worker

            asyncio.run(run_worker(settings))
            return 0
        if args.command == "api":
            return _api(settings)
        if args.command == "agent":
            from agent.server import run

            return run(args.agent_args)
        if args.command == "token":
            from datetime import timedelta

            from core.security import mint_jwt

            print(
                mint_jwt(
                    settings,
                    sub=args.user,
                    role=args.role,
                    email=args.user,
                    name=args.user,
                    ttl=timedelta(hours=args.hours),
                )
            )
            return 0
        if args.command in ("evaluate", "calibrate", "rescore"):
            return _evaluation_command(settings, args)
        if args.command == "bench":
            from voicetrain.bench import run_bench

            return asyncio.run(
                run_bench(
                    settings,
                    quick=args.quick,
                    faults=args.faults,
                    sessions=args.sessions,
                    turns=args.turns,
                    pacing=args.pacing,
                    starts=args.starts,
                    capacity=args.capacity,
                    storm=args.storm,
                    workers=args.workers,
                )
            )
    except PortBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130
    return 2


def _need_db(settings: Settings) -> str:
    if not settings.database_url:
        raise SystemExit("no database: set VOICETRAIN_DATABASE_URL or start `voicetrain dev`")
    return str(settings.database_url)


def _migrate(settings: Settings, down: str | None) -> int:
    from voicetrain.migrate import downgrade, upgrade

    url = _need_db(settings)
    if down:
        downgrade(url, down)
    else:
        upgrade(url)
    print("database is at", down or "head")
    return 0


def _scenarios(settings: Settings, args: argparse.Namespace) -> int:
    from core.errors import ScenarioError
    from core.scenarios.library import DEFAULT_LIBRARY, load_scenario_file, load_scenarios

    if args.action == "lint":
        failed = 0
        for path in args.files:
            try:
                doc = load_scenario_file(path)
            except (ScenarioError, OSError) as exc:
                failed += 1
                print(exc, file=sys.stderr)
            else:
                print(f"ok  {path}  ({doc.slug})")
        return 1 if failed else 0
    if args.action == "export":
        return asyncio.run(_export(settings, args))
    directory = getattr(args, "directory", None) or DEFAULT_LIBRARY
    try:
        library = load_scenarios(directory)
    except ScenarioError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.action == "validate":
        for s in library:
            print(f"ok  {s.slug}  ({len(s.rubric.criteria)} criteria)")
        return 0

    async def run() -> int:
        from core.db.engine import make_engine, make_sessionmaker
        from core.scenarios.library import import_scenarios

        engine = make_engine(_need_db(settings), pool_size=2)
        try:
            async with make_sessionmaker(engine)() as db:
                results = await import_scenarios(db, library)
                await db.commit()
        finally:
            await engine.dispose()
        for r in results:
            print(f"{'new ' if r.created else 'same'}  {r.slug} v{r.version}")
        return 0

    return asyncio.run(run())


async def _export(settings: Settings, args: argparse.Namespace) -> int:
    from core.db.engine import make_engine, make_sessionmaker
    from core.scenarios.library import stored_scenario, to_yaml

    engine = make_engine(_need_db(settings), pool_size=1)
    try:
        async with make_sessionmaker(engine)() as db:
            doc = await stored_scenario(db, args.slug, args.version)
    finally:
        await engine.dispose()
    if doc is None:
        which = f"version {args.version}" if args.version else "a published version"
        print(f"no scenario {args.slug!r} with {which}", file=sys.stderr)
        return 1
    text = to_yaml(doc)
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
    return 0


def _evaluation_command(settings: Settings, args: argparse.Namespace) -> int:
    from worker.main import judge_from

    if args.command == "evaluate":
        from voicetrain.evaluate_file import run_evaluate

        return asyncio.run(run_evaluate(args.file, as_json=args.json, judge=judge_from(settings)))
    if args.command == "calibrate":
        from voicetrain.calibrate import run_calibrate

        return asyncio.run(
            run_calibrate(
                args.directory,
                min_pass_agreement=args.min_pass_agreement,
                min_ranking=args.min_ranking,
                judge=judge_from(settings),
                recursive=args.recursive,
            )
        )
    from voicetrain.rescore import run_rescore

    return asyncio.run(run_rescore(_need_db(settings), session=args.session, all_sessions=args.all))


def _api(settings: Settings) -> int:
    import uvicorn

    from api.app import create_app
    from core.runtime import freeze_startup_heap

    app = create_app(settings)
    freeze_startup_heap()  # after the imports the app needs, before it serves
    uvicorn.run(app, host=settings.api_host, port=settings.api_port, log_level="info")
    return 0
