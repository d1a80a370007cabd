"""Charts a person would rather see than read."""


def write_charts(target, out):
    return []
