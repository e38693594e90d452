// What a list of `--set` strings means for the values, the way helm reads them:
// comma-separated key=value pairs (a backslash escapes the next character), dotted keys, [i] list indexes,
// integers, true/false and null typed, anything else a string.

// Splits on commas that are not escaped; keeps the escapes for the key/value step.
function splitPairs(set) {
  const pairs = [];
  let current = "";
  for (let i = 0; i < set.length; i++) {
    if (set[i] === "\\" && i + 1 < set.length) {
      current += set[i] + set[i + 1];
      i++;
    } else if (set[i] === ",") {
      pairs.push(current);
      current = "";
    } else {
      current += set[i];
    }
  }
  pairs.push(current);
  return pairs;
}

// Splits on an unescaped separator and drops the escaping backslashes.
function splitEscaped(text, separator) {
  const parts = [""];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "\\" && i + 1 < text.length) parts[parts.length - 1] += text[++i];
    else if (text[i] === separator) parts.push("");
    else parts[parts.length - 1] += text[i];
  }
  return parts;
}

function typed(text) {
  if (/^-?[0-9]+$/.test(text)) return Number(text);
  if (text === "true" || text === "false") return text === "true";
  if (text === "null") return null;
  return text;
}

// "a.b[0].c" -> ["a", "b", 0, "c"]
function keyPath(key) {
  return splitEscaped(key, ".").flatMap((part) => {
    const match = /^([^[]+)((\[[0-9]+\])*)$/.exec(part);
    if (!match) throw new Error(`cannot read --set key '${key}'`);
    const indexes = [...match[2].matchAll(/\[([0-9]+)\]/g)].map((m) => Number(m[1]));
    return [match[1], ...indexes];
  });
}

function assign(target, path, value) {
  let node = target;
  path.forEach((step, i) => {
    if (i === path.length - 1) {
      node[step] = value;
      return;
    }
    const nextIsIndex = typeof path[i + 1] === "number";
    if (node[step] === undefined || node[step] === null || typeof node[step] !== "object") {
      node[step] = nextIsIndex ? [] : {};
    }
    node = node[step];
  });
}

// The values after applying `sets` to a deep copy of `defaults`.
export function applySets(defaults, sets) {
  const values = structuredClone(defaults);
  for (const set of sets) {
    for (const pair of splitPairs(set)) {
      const eq = pair.indexOf("=");
      if (eq < 0) throw new Error(`--set '${pair}' has no '='`);
      const value = splitEscaped(pair.slice(eq + 1), undefined)[0];
      assign(values, keyPath(pair.slice(0, eq)), typed(value));
    }
  }
  return values;
}
