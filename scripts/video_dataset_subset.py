#!/usr/bin/env python3
"""Copy the clips of a `gen data video` dataset that match given attributes into a new
dataset folder (same layout: dataset.json, SPLIT/clips.jsonl, SPLIT/clips.safetensors).
Used by the video motion diagnostics (docs/model-zoo.md) to build worlds where only the
motion word tells clips apart, e.g. one shape, colour and background:
  scripts/video_dataset_subset.py SRC DST shape=square color=red background=white
Pure standard library: the clip tensor is U8 [N, F, H, W, 3], copied clip by clip."""
import json, os, struct, sys


def read_header(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        return json.loads(f.read(n)), 8 + n


def subset_split(src, dst, split, want):
    rows = [json.loads(line) for line in open(os.path.join(src, split, "clips.jsonl"))]
    keep = [i for i, r in enumerate(rows) if all(str(r.get(k)) == v for k, v in want.items())]
    header, base = read_header(os.path.join(src, split, "clips.safetensors"))
    frames = header["frames"]
    start = frames["data_offsets"][0]
    if frames["dtype"] != "U8" or frames["shape"][0] != len(rows):
        sys.exit(f"error: {split}/clips.safetensors does not hold one U8 clip per clips.jsonl row")
    clip_bytes = (frames["data_offsets"][1] - start) // max(len(rows), 1)
    os.makedirs(os.path.join(dst, split), exist_ok=True)
    with open(os.path.join(dst, split, "clips.jsonl"), "w") as out:
        for i in keep:
            out.write(json.dumps(rows[i], separators=(",", ":")) + "\n")
    frames = dict(frames, shape=[len(keep)] + frames["shape"][1:], data_offsets=[0, clip_bytes * len(keep)])
    new_header = json.dumps({"__metadata__": header.get("__metadata__", {}), "frames": frames}).encode()
    new_header += b" " * (-len(new_header) % 8)
    with open(os.path.join(src, split, "clips.safetensors"), "rb") as f, \
         open(os.path.join(dst, split, "clips.safetensors"), "wb") as out:
        out.write(struct.pack("<Q", len(new_header)) + new_header)
        for i in keep:
            f.seek(base + start + i * clip_bytes)
            out.write(f.read(clip_bytes))
    return len(keep)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    src, dst = sys.argv[1], sys.argv[2]
    if not all("=" in arg for arg in sys.argv[3:]):
        sys.exit("error: attributes are KEY=VALUE (keys of clips.jsonl: shape, color, background, motion, size)")
    want = dict(arg.split("=", 1) for arg in sys.argv[3:])
    meta = json.load(open(os.path.join(src, "dataset.json")))
    for split in ("train", "heldout"):
        meta[split] = subset_split(src, dst, split, want)
        print(f"{split}: {meta[split]} clips")
    meta["subset_of"] = {"source": os.path.abspath(src), "where": want}
    json.dump(meta, open(os.path.join(dst, "dataset.json"), "w"), indent=2)


main()
