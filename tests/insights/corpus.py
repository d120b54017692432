"""A small generated corpus for the app-level themes tests: three clear topics, each with two
distinct sub-topics, some noise rows that must be set aside, and a campaign of exact copies."""

import csv
import io
import random

TOPICS = {
    "park": [
        (["公園の遊具", "公園のベンチ", "公園の砂場"],
         ["遊具を新しくして", "ベンチを増やして", "砂場を清潔にして"]),
        (["公園のトイレ", "公園の照明", "公園の水飲み場"],
         ["トイレを改修して", "照明を明るくして", "水飲み場を直して"]),
    ],
    "bus": [
        (["バスの本数", "バスの最終便", "バスの時刻表"],
         ["本数を増やして", "最終便を遅くして", "時刻表を見やすくして"]),
        (["バス停の屋根", "バス停のベンチ", "バス停の案内板"],
         ["屋根を付けて", "ベンチを置いて", "案内板を多言語にして"]),
    ],
    "garbage": [
        (["ごみの分別", "ごみ収集の曜日", "粗大ごみの予約"],
         ["分別を分かりやすくして", "収集日を増やして", "予約をネットでできるようにして"]),
        (["カラスのごみ荒らし", "ごみ集積所のネット", "ごみ集積所の清掃"],
         ["ネットを配って", "集積所を囲って", "清掃を手伝って"]),
    ],
}
NOISE = ["特になし", "", "なし", "！！！", "https://example.com/"]
CAMPAIGN = "バスの本数を増やしてください。通勤に困っています。"


def make_texts(n: int = 150, seed: int = 1) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts, gold = [], []
    for i in range(n):
        if i % 25 == 7:
            texts.append(NOISE[(i // 25) % len(NOISE)])
            gold.append("")
            continue
        if i % 30 == 11:
            texts.append(CAMPAIGN)
            gold.append("bus")
            continue
        topic = rng.choice(sorted(TOPICS))
        subjects, requests = rng.choice(TOPICS[topic])
        texts.append(f"{rng.choice(subjects)}が気になります。{rng.choice(requests)}ほしいです。")
        gold.append(topic)
    return texts, gold


def make_csv(texts: list[str], encoding: str = "utf-8", column: str = "意見") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["番号", column])
    for i, t in enumerate(texts, start=1):
        writer.writerow([i, t])
    return out.getvalue().encode(encoding)
