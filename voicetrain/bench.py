async def run_bench(settings, **kw):  # type: ignore\n    return 2
