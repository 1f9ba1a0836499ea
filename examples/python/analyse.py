#!/usr/bin/env python3
"""Pull a ranking, a shadow-versus-self gap and a trend from a civicspace
server with pandas, and write what an analyst would look at first.

    python3 analyse.py [SERVER] [OUT_DIR]

SERVER defaults to http://127.0.0.1:8080, OUT_DIR to the current directory.
Needs pandas (Debian: apt-get install python3-pandas). With matplotlib
(python3-matplotlib) it also draws the trend as trend-XAA.png; without it,
it writes the trend as trend-XAA.csv only. The CSV columns are described in
docs/data.md.
"""

import io
import sys
import urllib.request
from pathlib import Path

import pandas as pd

COUNTRY, PERIOD = "XAA", "2025"


def get_csv(server, path):
    """GETs a CSV with the byte-order mark spreadsheets need; utf-8-sig
    reads it with or without the mark."""
    sep = "&" if "?" in path else "?"
    with urllib.request.urlopen(f"{server}/v1{path}{sep}format=csv&bom=true") as res:
        data = res.read()
    # Codes such as M49 "076" are text, not numbers.
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype={"m49": str, "country": str})


def main():
    server = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
    out = Path(sys.argv[2] if len(sys.argv) > 2 else ".")
    out.mkdir(parents=True, exist_ok=True)

    # 1. The ranking of every kind of assessment for the period.
    ranking = get_csv(server, f"/comparisons/ranking?period={PERIOD}")
    ranked = ranking.dropna(subset=["rank"]).sort_values(["kind", "rank"])
    print(f"ranking {PERIOD}: {len(ranking)} assessments, {len(ranked)} ranked")
    for row in ranked.itertuples():
        print(f"  {row.kind:<7} {int(row.rank):>2}  {row.country}  {row.score:5.1f}  {row.status}")
    ranking.to_csv(out / f"ranking-{PERIOD}.csv", index=False)

    # 2. Where the watchdog and the government disagree: the tidy gap table
    #    has one row per item and measure; keep the indicators' points.
    gap = get_csv(server, f"/comparisons/gap/{COUNTRY}/{PERIOD}")
    points = gap[(gap["level"] == "indicator") & (gap["measure"] == "points")]
    points = points.assign(abs_difference=points["difference"].abs()).sort_values("abs_difference", ascending=False)
    disagreements = points[["item_id", "self_value", "shadow_value", "difference"]]
    rating = gap[gap["level"] == "rating"].iloc[0]
    print(f"gap {COUNTRY} {PERIOD}: rating {rating.self_value} (self) vs {rating.shadow_value} (shadow), "
          f"{len(disagreements)} indicators disagree")
    for row in disagreements.itertuples():
        print(f"  {row.item_id}: {row.self_value:g} -> {row.shadow_value:g} ({row.difference:+g})")
    disagreements.to_csv(out / f"gap-{COUNTRY}-{PERIOD}-indicators.csv", index=False)

    # 3. The rating over the years, per kind of assessment.
    trend = get_csv(server, f"/comparisons/trend/{COUNTRY}")
    overall = trend[trend["level"] == "rating"].pivot(index="period", columns="kind", values="score")
    print(f"trend {COUNTRY}:")
    print(overall.to_string())
    overall.to_csv(out / f"trend-{COUNTRY}.csv")
    try:
        import matplotlib
        matplotlib.use("Agg")
        ax = overall.plot(marker="o", title=f"Civic space rating of {COUNTRY} (demo)", ylim=(0, 100))
        ax.set_ylabel("score (0-100)")
        ax.figure.savefig(out / f"trend-{COUNTRY}.png")
        print(f"wrote trend-{COUNTRY}.png")
    except ImportError:
        print("matplotlib is not installed: the trend is in the CSV only")


if __name__ == "__main__":
    main()
