"""What a list of `--set` strings means for the values, the way helm reads them:
comma-separated key=value pairs (a backslash escapes the next character), dotted keys,
[i] list indexes, integers, true/false and null typed, anything else a string."""
import copy
import re


def split_pairs(text):
    """Splits on commas that are not escaped; keeps the escapes for the key/value step."""
    pairs, current, i = [], "", 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            current += text[i:i + 2]
            i += 1
        elif text[i] == ",":
            pairs.append(current)
            current = ""
        else:
            current += text[i]
        i += 1
    return pairs + [current]


def split_escaped(text, separator=None):
    """Splits on an unescaped separator and drops the escaping backslashes."""
    parts, i = [""], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            i += 1
            parts[-1] += text[i]
        elif text[i] == separator:
            parts.append("")
        else:
            parts[-1] += text[i]
        i += 1
    return parts


def typed(text):
    if re.fullmatch(r"-?[0-9]+", text):
        return int(text)
    if text in ("true", "false"):
        return text == "true"
    return None if text == "null" else text


def key_path(key):
    """"a.b[0].c" -> ["a", "b", 0, "c"]"""
    path = []
    for part in split_escaped(key, "."):
        match = re.fullmatch(r"([^[]+)((\[[0-9]+\])*)", part)
        if not match:
            raise ValueError("cannot read --set key '%s'" % key)
        path += [match.group(1)] + [int(i) for i in re.findall(r"\[([0-9]+)\]", match.group(2))]
    return path


def assign(target, path, value):
    node = target
    for i, step in enumerate(path):
        if isinstance(node, list) and isinstance(step, int):
            node.extend([None] * (step + 1 - len(node)))
        if i == len(path) - 1:
            node[step] = value
            return
        if not isinstance(node[step] if isinstance(node, list) else node.get(step), (dict, list)):
            node[step] = [] if isinstance(path[i + 1], int) else {}
        node = node[step]


def apply_sets(defaults, sets):
    """The values after applying `sets` to a deep copy of `defaults`."""
    values = copy.deepcopy(defaults)
    for s in sets:
        for pair in split_pairs(s):
            if "=" not in pair:
                raise ValueError("--set '%s' has no '='" % pair)
            key, _, value = pair.partition("=")
            assign(values, key_path(key), typed(split_escaped(value)[0]))
    return values
