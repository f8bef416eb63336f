"""Random parameters for each template: widths, names, constants, reset values.

Every sampler takes a `random.Random` and returns the dict its jinja template (same name, in
templates/<level>.yaml) renders with. `module` is always the class name the instruction states.
Computed widths (output of PopCount, log2 of a counter maximum, ...) are worked out here so the
templates stay declarative and the generated code is width-correct by construction.
"""
from __future__ import annotations

import random
from typing import Callable

# Names the generated class must not take: they shadow chisel3 / chisel3.util members that the
# templates import with a wildcard, or Scala keywords.
RESERVED_NAMES = {
    "Module", "Bundle", "Bool", "UInt", "SInt", "Wire", "Reg", "Mux", "Counter", "Queue", "Valid",
    "Decoupled", "Pipe", "Arbiter", "ShiftRegister", "PopCount", "Reverse", "Fill", "Log2", "Cat",
    "PriorityEncoder", "OHToUInt", "UIntToOH", "MuxCase", "MuxLookup", "Mux1H", "Enum", "Vec",
    "RegInit", "RegNext", "VecInit", "Irrevocable", "Log2Ceil", "BitPat", "Lookup",
}

# Scala 2 reserved words (plus Scala 3 soft keywords that break in some positions): never a name.
SCALA_KEYWORDS = {
    "abstract", "case", "catch", "class", "def", "do", "else", "extends", "false", "final", "finally", "for",
    "forSome", "if", "implicit", "import", "lazy", "macro", "match", "new", "null", "object", "override",
    "package", "private", "protected", "return", "sealed", "super", "this", "throw", "trait", "try", "true",
    "type", "val", "var", "while", "with", "yield", "then", "enum", "export", "given",
}

PREFIXES = ["", "", "Simple", "Basic", "Tiny", "Quick", "Mini", "My", "Small", "Demo", "Lite", "Core", "Top"]

# Port-name pools. Kept clear of Bundle/Data members (`name`, `elements`, ...) and Scala keywords.
DATA_IN = ["in", "din", "x", "dataIn", "inp", "src", "value", "data"]
DATA_OUT = ["out", "dout", "y", "dataOut", "result", "res", "q"]
OPERANDS = [("a", "b"), ("x", "y"), ("lhs", "rhs"), ("in1", "in2"), ("op1", "op2"), ("inA", "inB")]
ENABLES = ["en", "enable", "valid", "go", "ce", "inc"]
REG_NAMES = ["reg", "r", "dataReg", "holdReg", "stored", "acc", "cnt", "value"]
BOOL_IN = ["a", "b", "c", "d", "x", "y", "p", "q"]


def module_name(rng: random.Random, nouns: list[str], width: int | None = None) -> str:
    """A CamelCase class name such as `QuickAdder8`; the width suffix is used sometimes, like a
    human would."""
    while True:
        name = rng.choice(PREFIXES) + rng.choice(nouns)
        if width is not None and rng.random() < 0.4:
            name += f"{width}bit" if rng.random() < 0.3 else str(width)
        if name not in RESERVED_NAMES:
            return name


def pick(rng: random.Random, pool: list[str], k: int, avoid: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """k distinct names from pool, none in avoid."""
    return rng.sample([p for p in pool if p not in avoid], k)


def width(rng: random.Random, lo: int = 1, hi: int = 64) -> int:
    """Widths a designer would pick: mostly powers of two and small sizes, sometimes anything."""
    common = [w for w in (1, 2, 4, 8, 16, 24, 32, 64) if lo <= w <= hi]
    if common and rng.random() < 0.55:
        return rng.choice(common)
    return rng.randint(lo, hi)


def bits_for(value: int) -> int:
    """Bits needed to hold 0..value (at least 1)."""
    return max(1, value.bit_length())


def log2_ceil(n: int) -> int:
    """Chisel's log2Ceil for n >= 1 (with log2Ceil(1) = 0 raised to 1 for port widths)."""
    return max(1, (n - 1).bit_length())


def scala_int(value: int) -> str:
    """A Scala literal for any non-negative value: Int, Long, or BigInt beyond 63 bits
    (`4294967295.U` does not compile: the literal overflows Int)."""
    if value < 2**31:
        return str(value)
    if value < 2**63:
        return f"{value}L"
    return f'BigInt("{value}")'


def quoted(names: list[str]) -> str:
    """`a`, `b` and `c`"""
    items = [f"`{n}`" for n in names]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def scalar_type(rng: random.Random, kinds=("UInt", "SInt", "Bool"), lo: int = 1, hi: int = 64) -> dict:
    kind = rng.choice(kinds)
    if kind == "Bool":
        return {"ty": "Bool()", "desc": "Bool", "kind": kind, "w": 1}
    w = width(rng, max(lo, 2 if kind == "SInt" else 1), hi)
    desc = f"{w}-bit {'unsigned' if kind == 'UInt' else 'signed'}"
    return {"ty": f"{kind}({w}.W)", "desc": desc, "kind": kind, "w": w}


def in_out(rng: random.Random) -> dict:
    return {"i": rng.choice(DATA_IN), "o": rng.choice(DATA_OUT)}


# ---------------------------------------------------------------- L1
def l1_passthrough(rng):
    t = scalar_type(rng)
    return {**t, **in_out(rng), "module": module_name(rng, ["Passthrough", "Forward", "Buffer", "Link", "Connect"], t["w"])}


def l1_register_delay(rng):
    t = scalar_type(rng, ("UInt", "SInt"))
    stages = rng.choice([1, 1, 2, 3])
    return {**t, **in_out(rng), "stages": stages, "use_regnext": rng.random() < 0.5,
            "module": module_name(rng, ["Delay", "RegDelay", "DelayLine", "Pipeline", "Retimer"], t["w"])}


def l1_reg_init(rng):
    w = width(rng, 2, 64)
    reset = rng.choice([0, 1, (1 << w) - 1, rng.randrange(1 << min(w, 31))])
    return {"w": w, "reset": reset, **in_out(rng), "reg": rng.choice(REG_NAMES),
            "module": module_name(rng, ["ResetReg", "InitReg", "RegWithReset", "DataLatch", "HoldReg"], w)}


def l1_constant_output(rng):
    kind = rng.choice(["UInt", "UInt", "SInt", "Bool"])
    use_wire = rng.random() < 0.4
    if kind == "Bool":
        v = rng.choice([True, False])
        ty, desc, literal, shown = "Bool()", "Bool", f"{str(v).lower()}.B", str(v).lower()
    elif kind == "UInt":
        w = width(rng, 1, 64)
        v = rng.randrange(1 << min(w, 32))
        if w >= 8 and rng.random() < 0.4:
            literal, shown = f'"h{v:X}".U({w}.W)', f'0x{v:X}'
        else:
            literal, shown = f"{scala_int(v)}.U({w}.W)", str(v)
        ty, desc = f"UInt({w}.W)", f"{w}-bit unsigned"
    else:
        w = width(rng, 2, 32)
        v = rng.randint(-(1 << (w - 1)), (1 << (w - 1)) - 1)
        ty, desc, literal, shown = f"SInt({w}.W)", f"{w}-bit signed", f"({v}).S({w}.W)" if v < 0 else f"{v}.S({w}.W)", str(v)
    return {"ty": ty, "desc": desc, "literal": literal, "shown": shown, "use_wire": use_wire,
            "o": rng.choice(DATA_OUT), "wire": rng.choice(["constWire", "value", "tmp", "w"]),
            "module": module_name(rng, ["Constant", "ConstGen", "TieOff", "MagicValue", "FixedValue"])}


def l1_bitwise_not(rng):
    w = width(rng, 1, 64)
    return {"w": w, **in_out(rng), "module": module_name(rng, ["Inverter", "BitwiseNot", "NotGate", "Complement"], w)}


_BOOL_OPS = {
    "AND": lambda xs: " && ".join(f"io.{x}" for x in xs),
    "OR": lambda xs: " || ".join(f"io.{x}" for x in xs),
    "XOR": lambda xs: " ^ ".join(f"io.{x}" for x in xs),
    "NAND": lambda xs: "!(" + " && ".join(f"io.{x}" for x in xs) + ")",
    "NOR": lambda xs: "!(" + " || ".join(f"io.{x}" for x in xs) + ")",
}


def l1_bool_gate(rng):
    n = rng.randint(2, 4)
    op = rng.choice(list(_BOOL_OPS))
    inputs = pick(rng, BOOL_IN, n)
    o = rng.choice(["out", "result", "z", "gate"])
    return {"n": n, "op_name": op, "inputs": inputs, "inputs_text": quoted(inputs), "o": o,
            "expr": _BOOL_OPS[op](inputs), "module": module_name(rng, [f"{op.title()}Gate", f"{op.title()}{n}", "LogicGate"])}


def l1_bit_slice(rng):
    w = width(rng, 2, 64)
    lo = rng.randrange(w)
    hi = rng.randrange(lo, w)
    return {"w": w, "hi": hi, "lo": lo, **in_out(rng),
            "module": module_name(rng, ["BitSlice", "FieldExtract", "BitExtract", "SubField"])}


def l1_type_convert(rng):
    choice = rng.choice(["u2s", "s2u", "u2b"])
    if choice == "u2b":
        w, from_ty, to_ty, cast, fd, td = 1, "UInt(1.W)", "Bool()", "asBool", "unsigned", "Bool"
    else:
        w = width(rng, 2, 64)
        if choice == "u2s":
            from_ty, to_ty, cast, fd, td = f"UInt({w}.W)", f"SInt({w}.W)", "asSInt", "unsigned", "signed"
        else:
            from_ty, to_ty, cast, fd, td = f"SInt({w}.W)", f"UInt({w}.W)", "asUInt", "signed", "unsigned"
    return {"w": w, "from_ty": from_ty, "to_ty": to_ty, "cast": cast, "from_desc": fd, "to_desc": td,
            **in_out(rng), "module": module_name(rng, ["Cast", "TypeConvert", "Reinterpret", "BitCast"], w)}


def l1_zero_extend(rng):
    kind = rng.choice(["UInt", "SInt"])
    w = width(rng, 2, 32)
    ow = rng.randint(w + 1, min(w + 32, 64))
    return {"kind": kind, "w": w, "ow": ow, "verb": "zero" if kind == "UInt" else "sign",
            "desc": "unsigned" if kind == "UInt" else "signed", **in_out(rng),
            "module": module_name(rng, ["Extend", "Widen", "ZeroExtend" if kind == "UInt" else "SignExtend", "Pad"])}


def l1_wire_fanout(rng):
    w = width(rng, 1, 64)
    outs = pick(rng, ["out0", "out1", "out2", "left", "right", "copyA", "copyB", "y0", "y1"], rng.randint(2, 3))
    return {"w": w, "i": rng.choice(DATA_IN), "outs": outs, "outs_text": quoted(outs),
            "wire": rng.choice(["tmp", "buf", "shared", "wireVal"]),
            "module": module_name(rng, ["FanOut", "Splitter", "Broadcast", "WireCopy"], w)}


def l1_sint_negate(rng):
    w = width(rng, 2, 63)
    return {"w": w, **in_out(rng), "module": module_name(rng, ["Negate", "Negator", "TwosComplement", "SignFlip"], w)}


# ---------------------------------------------------------------- L2
def l2_mux2(rng):
    t = scalar_type(rng)
    a, b = rng.choice(OPERANDS)
    return {**t, "a": a, "b": b, "sel": rng.choice(["sel", "s", "select", "choose"]), "o": rng.choice(DATA_OUT),
            "use_when": rng.random() < 0.3, "module": module_name(rng, ["Mux2", "Mux2to1", "Selector", "TwoWayMux"], t["w"])}


def l2_priority_select(rng):
    n = rng.randint(2, 4)
    w = width(rng, 1, 32)
    conds = pick(rng, ["req0", "req1", "req2", "req3", "urgent", "high", "low", "c0", "c1", "c2"], n)
    datas = pick(rng, ["d0", "d1", "d2", "d3", "dataA", "dataB", "dataC", "dataD"], n)
    return {"w": w, "conds": conds, "datas": datas, "conds_text": quoted(conds), "datas_text": quoted(datas),
            "default": rng.choice([0, 0, rng.randrange(1 << min(w, 16))]), "o": rng.choice(DATA_OUT),
            "module": module_name(rng, ["PrioritySelect", "PriorityMux", "ReqSelector", "Arbitrate"], w)}


def l2_adder(rng):
    w = width(rng, 1, 64)
    a, b = rng.choice(OPERANDS)
    return {"w": w, "a": a, "b": b, "o": rng.choice(["sum", "out", "result", "s"]), "carry": rng.random() < 0.6,
            "module": module_name(rng, ["Adder", "Add", "SumUnit", "AdderUnit"], w)}


def l2_add_sub(rng):
    t = scalar_type(rng, ("UInt", "SInt"), 2, 64)
    a, b = rng.choice(OPERANDS)
    return {**t, "a": a, "b": b, "sub": rng.choice(["sub", "subtract", "minus", "mode"]), "o": rng.choice(DATA_OUT),
            "module": module_name(rng, ["AddSub", "AdderSubtractor", "ArithUnit", "PlusMinus"], t["w"])}


_CMP = [("eq", "===", "`{n}` ({a} == {b})"), ("neq", "=/=", "`{n}` ({a} != {b})"), ("lt", "<", "`{n}` ({a} < {b})"),
        ("gt", ">", "`{n}` ({a} > {b})"), ("le", "<=", "`{n}` ({a} <= {b})"), ("ge", ">=", "`{n}` ({a} >= {b})")]


def l2_comparator(rng):
    t = scalar_type(rng, ("UInt", "SInt"), 2, 64)
    a, b = rng.choice(OPERANDS)
    chosen = rng.sample(_CMP, rng.randint(1, 4))
    outs = [(rng.choice([n, n + "Out", "is" + n.title()]), op, text) for n, op, text in chosen]
    outs = [(name, op, text.format(n=name, a=a, b=b)) for name, op, text in outs]
    return {**t, "a": a, "b": b, "outs": outs, "outs_text": ", ".join(text for _, _, text in outs),
            "module": module_name(rng, ["Comparator", "Compare", "CmpUnit", "MagnitudeCmp"], t["w"])}


_ALU_OPS = [("ADD", "io.{a} +% io.{b}", "add"), ("SUB", "io.{a} -% io.{b}", "subtract ({a} - {b})"),
            ("AND", "io.{a} & io.{b}", "bitwise AND"), ("OR", "io.{a} | io.{b}", "bitwise OR"),
            ("XOR", "io.{a} ^ io.{b}", "bitwise XOR"), ("NOTA", "~io.{a}", "NOT {a}"),
            ("PASSB", "io.{b}", "pass {b}"), ("MAX", "Mux(io.{a} > io.{b}, io.{a}, io.{b})", "maximum")]


def l2_alu(rng):
    w = width(rng, 2, 64)
    a, b = rng.choice(OPERANDS)
    n = rng.randint(2, 8)
    opw = log2_ceil(n)
    chosen = rng.sample(_ALU_OPS, n)
    ops = [(code, expr.format(a=a, b=b), text.format(a=a, b=b)) for code, (_, expr, text) in enumerate(chosen)]
    ops_text = ", ".join(f"{code} = {text}" for code, _, text in ops)
    return {"w": w, "a": a, "b": b, "op": rng.choice(["op", "opcode", "fn", "sel"]), "opw": opw, "ops": ops,
            "ops_text": ops_text, "o": rng.choice(["out", "result", "y"]),
            "module": module_name(rng, ["Alu", "SimpleAlu", "MiniAlu", "ArithLogicUnit"], w)}


_LOGIC = [("andOut", "io.{a} & io.{b}", "AND"), ("orOut", "io.{a} | io.{b}", "OR"), ("xorOut", "io.{a} ^ io.{b}", "XOR"),
          ("nandOut", "~(io.{a} & io.{b})", "NAND"), ("norOut", "~(io.{a} | io.{b})", "NOR"),
          ("xnorOut", "~(io.{a} ^ io.{b})", "XNOR"), ("andNotOut", "io.{a} & ~io.{b}", "{a} AND NOT {b}")]


def l2_logic_unit(rng):
    w = width(rng, 1, 64)
    a, b = rng.choice(OPERANDS)
    chosen = rng.sample(_LOGIC, rng.randint(1, 5))
    outs = [(name, expr.format(a=a, b=b), text.format(a=a, b=b)) for name, expr, text in chosen]
    return {"w": w, "a": a, "b": b, "outs": outs, "outs_text": ", ".join(f"`{n}` = {t}" for n, _, t in outs),
            "module": module_name(rng, ["LogicUnit", "BitwiseOps", "Bitwise", "GateArray"], w)}


def l2_min_max(rng):
    t = scalar_type(rng, ("UInt", "SInt"), 2, 64)
    n = rng.randint(2, 4)
    which = rng.choice(["minimum", "maximum"])
    inputs = pick(rng, ["a", "b", "c", "d", "x", "y", "z", "w"], n)
    return {**t, "n": n, "which": which, "op": "<" if which == "minimum" else ">", "inputs": inputs,
            "inputs_text": quoted(inputs), "o": rng.choice(["out", "result", which[:3]]),
            "module": module_name(rng, ["Min" if which == "minimum" else "Max", "Select" + which[:3].title(), which[:3].title() + f"Of{n}"], t["w"])}


def l2_abs(rng):
    w = width(rng, 2, 64)
    return {"w": w, **in_out(rng), "module": module_name(rng, ["Abs", "AbsValue", "Magnitude", "AbsoluteValue"], w)}


def l2_parity(rng):
    w = width(rng, 2, 64)
    return {"w": w, "kind": rng.choice(["even", "odd"]), "i": rng.choice(DATA_IN),
            "o": rng.choice(["parity", "p", "out", "parityBit"]), "module": module_name(rng, ["Parity", "ParityGen", "ParityBit"], w)}


def l2_saturating_add(rng):
    w = width(rng, 2, 64)
    a, b = rng.choice(OPERANDS)
    return {"w": w, "a": a, "b": b, "maxv": (1 << w) - 1, "o": rng.choice(["sum", "out", "result"]),
            "module": module_name(rng, ["SatAdd", "SaturatingAdder", "ClampAdd", "SatAdder"], w)}


_THRESH = [("above", ">", "`{}` (input > constant)"), ("below", "<", "`{}` (input < constant)"),
           ("equal", "===", "`{}` (input == constant)"), ("atLeast", ">=", "`{}` (input >= constant)")]


def l2_threshold(rng):
    w = width(rng, 2, 32)
    c = rng.randrange(1 << w)
    chosen = rng.sample(_THRESH, rng.randint(1, 3))
    outs = [(n, op, text) for n, op, text in chosen]
    return {"w": w, "c": c, "i": rng.choice(DATA_IN), "outs": outs, "outs_text": ", ".join(t.format(n) for n, _, t in outs),
            "module": module_name(rng, ["Threshold", "LevelDetect", "ConstCompare", "Watermark"], w)}


def l2_decoder(rng):
    n = rng.randint(1, 4)
    return {"n": n, "i": rng.choice(["sel", "in", "addr", "idx"]), "o": rng.choice(["out", "onehot", "lines", "y"]),
            "en": rng.choice([None, None, "en", "enable"]),
            "module": module_name(rng, [f"Decoder{n}to{2 ** n}", "Decoder", "BinaryDecoder", "LineDecoder"])}


def l2_multiplier(rng):
    kind = rng.choice(["UInt", "UInt", "SInt"])
    lo = 2 if kind == "SInt" else 1
    wa, wb = width(rng, lo, 32), width(rng, lo, 32)
    a, b = rng.choice(OPERANDS)
    return {"kind": kind, "desc": "unsigned" if kind == "UInt" else "signed", "wa": wa, "wb": wb, "a": a, "b": b,
            "o": rng.choice(["product", "prod", "out", "result"]),
            "module": module_name(rng, ["Multiplier", "Mul", "MultUnit", "Product"], wa if wa == wb else None)}


def l2_const_shift(rng):
    w = width(rng, 2, 48)
    dir_ = rng.choice(["left", "right"])
    k = rng.randint(1, w - 1) if dir_ == "right" else rng.randint(1, 16)
    ow = w + k if dir_ == "left" else w - k
    return {"w": w, "k": k, "dir": dir_, "ow": ow, **in_out(rng),
            "module": module_name(rng, ["ShiftLeft" if dir_ == "left" else "ShiftRight", "ConstShift", "Shifter"], w)}


# ---------------------------------------------------------------- L3
def l3_counter(rng):
    w = rng.randint(2, 16)
    wrap = rng.random() < 0.6
    maxv = rng.randint(1, (1 << w) - 1) if wrap else (1 << w) - 1
    tick = rng.choice([None, None, "tick", "wrapped", "done"])
    return {"w": w, "wrap": wrap, "maxv": maxv, "tick": tick, "en": rng.choice(ENABLES[:3] + ["inc"]),
            "o": rng.choice(["count", "cnt", "out", "value"]), "reg": rng.choice(["cntReg", "countReg", "counter", "c"]),
            "module": module_name(rng, ["UpCounter", "Counter" + str(maxv + 1) if wrap else "FreeCounter", "CounterMod", "EventCounter"])}


def l3_updown_counter(rng):
    w = rng.randint(2, 32)
    load = rng.random() < 0.5
    return {"w": w, "reset": rng.choice([0, 0, rng.randrange(1 << min(w, 16))]), "load": "load" if load else None,
            "din": rng.choice(["din", "loadValue", "init"]), "en": rng.choice(["en", "enable"]), "up": rng.choice(["up", "dirUp", "countUp"]),
            "o": rng.choice(["count", "out", "value"]), "reg": rng.choice(["cntReg", "countReg", "c"]),
            "module": module_name(rng, ["UpDownCounter", "BidirCounter", "UpDown", "ReversibleCounter"], w)}


def l3_delay_line(rng):
    return {"w": width(rng, 1, 32), "n": rng.randint(2, 8), "en": rng.choice([None, "en", "shift"]), **in_out(rng),
            "module": module_name(rng, ["ShiftReg", "DelayChain", "TapLine", "ShiftPipe", "VecShifter"])}


def l3_sipo_shift(rng):
    return {"n": rng.randint(2, 32), "dir": rng.choice(["left", "right"]), "en": rng.choice([None, "en", "shiftEn"]),
            "i": rng.choice(["serialIn", "sin", "bitIn", "in"]), "o": rng.choice(["parallelOut", "out", "q", "word"]),
            "reg": rng.choice(["shiftReg", "sr", "bits"]),
            "module": module_name(rng, ["Sipo", "SerialToParallel", "SipoShift", "Deserializer"])}


def l3_edge_detector(rng):
    kinds = rng.choice([["rising"], ["falling"], ["any"], ["rising", "falling"], ["rising", "falling", "any"]])
    names = {"rising": ["rise", "rising", "posEdge", "detected"], "falling": ["fall", "falling", "negEdge"],
             "any": ["change", "toggled", "anyEdge"]}
    outs = [(rng.choice(names[k]) if len(kinds) > 1 or k != "rising" else rng.choice(names[k]), k) for k in kinds]
    kind_words = {"rising": "rising", "falling": "falling", "any": "any (both)"}
    return {"outs": outs, "outs_text": ", ".join(f"`{n}` ({kind_words[k]})" for n, k in outs),
            "kinds_text": " and ".join(kind_words[k] for k in kinds), "i": rng.choice(["in", "sig", "signal", "btn"]),
            "prev": rng.choice(["prev", "last", "delayed", "prevReg"]), "use_regnext": rng.random() < 0.6,
            "module": module_name(rng, ["EdgeDetector", "EdgeDetect", "RisingEdge" if kinds == ["rising"] else "EdgeFinder", "PulseOnEdge"])}


def kmp_transitions(pattern: str) -> list[tuple[int, int, int]]:
    """(state, next on 0, next on 1) for an overlapping detector; state k = k pattern bits matched."""
    def longest(s: str) -> int:
        for k in range(min(len(s), len(pattern)), -1, -1):
            if s.endswith(pattern[:k]) and (k < len(pattern) or s.endswith(pattern)):
                return k
        return 0
    rows = []
    for state in range(len(pattern) + 1):
        seen = pattern[:state] if state < len(pattern) else pattern
        rows.append((state, longest(seen + "0"), longest(seen + "1")))
    return rows


def l3_sequence_detector(rng):
    pattern = "".join(rng.choice("01") for _ in range(rng.randint(2, 5)))
    return {"pattern": pattern, "transitions": kmp_transitions(pattern), "final": len(pattern),
            "sw": bits_for(len(pattern)), "i": rng.choice(["in", "bitIn", "serial", "din"]),
            "o": rng.choice(["detected", "found", "matched", "hit"]),
            "module": module_name(rng, [f"Detect{pattern}", "SeqDetector", "PatternFsm", "SequenceDetector"])}


def l3_clock_divider(rng):
    n = rng.randint(2, 1000)
    return {"n": n, "cw": bits_for(n - 1), "o": rng.choice(["clkOut", "out", "tick", "slow"]),
            "reg": rng.choice(["cnt", "counter", "divCnt"]), "module": module_name(rng, ["ClockDivider", f"DivideBy{2 * n}", "Toggler", "SlowBlink"])}


def l3_accumulator(rng):
    w = width(rng, 2, 32)
    ow = rng.randint(w, min(w + 16, 64))
    return {"w": w, "ow": ow, "en": rng.choice(["en", "valid", "add"]), "clr": rng.choice([None, "clear", "clr"]),
            **in_out(rng), "reg": rng.choice(["acc", "sumReg", "total"]),
            "module": module_name(rng, ["Accumulator", "RunningSum", "Integrator", "AccUnit"], ow)}


# ---------------------------------------------------------------- L4
def l4_param_adder(rng):
    a, b = rng.choice(OPERANDS)
    return {"p": rng.choice(["width", "w", "n", "dataWidth"]), "d": width(rng, 2, 64), "a": a, "b": b,
            "o": rng.choice(["sum", "out", "result"]), "module": module_name(rng, ["ParamAdder", "GenericAdder", "WidthAdder", "AdderN"])}


def l4_param_register(rng):
    d = width(rng, 2, 64)
    return {"p": rng.choice(["width", "w", "dataWidth"]), "d": d, "r": rng.choice(["resetValue", "init", "rv"]),
            "rv": rng.randrange(1 << min(d, 16)), "en": rng.choice(["en", "load", "we"]), **in_out(rng),
            "reg": rng.choice(["dataReg", "r", "stored"]), "module": module_name(rng, ["ParamReg", "GenericRegister", "EnableReg", "RegN"])}


def l4_param_counter(rng):
    return {"p": rng.choice(["max", "maxCount", "limit", "top"]), "d": rng.randint(1, 5000), "en": rng.choice(["en", "inc", "enable"]),
            "tick": rng.choice([None, "wrap", "done"]), "o": rng.choice(["count", "value", "out"]),
            "reg": rng.choice(["cnt", "countReg", "c"]), "module": module_name(rng, ["ParamCounter", "ModCounter", "GenericCounter", "WrapCounter"])}


def l4_param_delay(rng):
    return {"p": rng.choice(["width", "w", "dataWidth"]), "d": width(rng, 1, 64), "q": rng.choice(["depth", "stages", "latency"]),
            "n": rng.randint(1, 8), **in_out(rng), "module": module_name(rng, ["ParamDelay", "DelayN", "GenericDelay", "PipeDelay"])}


def l4_valid_reg(rng):
    w = width(rng, 1, 64)
    return {"w": w, "reset": rng.choice([0, 0, rng.randrange(1 << min(w, 16))]), "seen": rng.choice([None, "seen", "hasData"]),
            "i": rng.choice(["in", "enq", "req"]), "o": rng.choice(["out", "data", "held"]), "reg": rng.choice(["reg", "dataReg", "holdReg"]),
            "module": module_name(rng, ["ValidReg", "ValidCapture", "ValidHold", "ValidLatch"], w)}


def l4_valid_pipe(rng):
    return {"w": width(rng, 1, 64), "n": rng.randint(1, 6), "i": rng.choice(["in", "enq"]), "o": rng.choice(["out", "deq"]),
            "module": module_name(rng, ["ValidPipe", "ValidDelay", "LatencyPipe", "ValidStage"])}


def l4_valid_adder(rng):
    w = width(rng, 1, 63)
    a, b = rng.choice([("a", "b"), ("x", "y"), ("lhs", "rhs"), ("inA", "inB")])
    return {"w": w, "a": a, "b": b, "o": rng.choice(["out", "sum", "result"]),
            "module": module_name(rng, ["ValidAdder", "ValidSum", "RegisteredValidAdd"], w)}


# ---------------------------------------------------------------- chisel3.util
_STATE_NAMES = ["sIdle", "sStart", "sRun", "sWait", "sDone", "sLoad", "sExec", "sFetch", "sHold", "sFlush", "sReady", "sBusy"]


def util_enum_fsm(rng):
    n = rng.randint(2, 6)
    states = ["sIdle"] + rng.sample(_STATE_NAMES[1:], n - 1)
    return {"n": n, "states": states, "states_text": ", ".join(states), "sw": log2_ceil(n),
            "go": rng.choice(["go", "next", "step", "advance"]), "abort": rng.choice([None, "abort", "reset_fsm", "cancel"]),
            "o": rng.choice(["state", "stateOut", "current"]),
            "module": module_name(rng, ["EnumFsm", "StateMachine", "CyclicFsm", "Sequencer", "PhaseFsm"])}


def util_popcount(rng):
    w = width(rng, 2, 64)
    return {"w": w, "ow": bits_for(w), **in_out(rng), "module": module_name(rng, ["PopCount", "OnesCount", "BitCounter", "HammingWeight"], w)}


def util_reverse(rng):
    w = width(rng, 2, 64)
    return {"w": w, **in_out(rng), "module": module_name(rng, ["BitReverse", "Mirror", "ReverseBits", "Flip"], w)}


def util_fill(rng):
    w, n = width(rng, 1, 16), rng.randint(2, 8)
    return {"w": w, "n": n, **in_out(rng), "module": module_name(rng, ["Replicate", "FillBits", "Repeater", "BitReplicator"])}


def util_log2(rng):
    w = width(rng, 2, 64)
    return {"w": w, "ow": log2_ceil(w), **in_out(rng), "module": module_name(rng, ["Log2Unit", "MsbIndex", "FloorLog2", "LeadingOne"], w)}


def util_priority_encoder(rng):
    w = width(rng, 2, 64)
    return {"w": w, "ow": log2_ceil(w), "any": rng.choice([None, "valid", "any", "hit"]), "i": rng.choice(["in", "req", "bits"]),
            "o": rng.choice(["out", "idx", "index", "grant"]), "module": module_name(rng, ["PrioEncoder", "LowBitFinder", "FirstOne", "PriorityEnc"], w)}


def util_oh_to_uint(rng):
    w = width(rng, 2, 64)
    return {"w": w, "ow": log2_ceil(w), "i": rng.choice(["oneHot", "in", "sel"]), "o": rng.choice(["binary", "out", "index"]),
            "module": module_name(rng, ["OneHotToBin", "OhEncoder", "OneHotIndex", "OhToBinary"], w)}


def util_uint_to_oh(rng):
    n = rng.randint(1, 6)
    return {"n": n, "ow": 1 << n, "i": rng.choice(["binary", "in", "idx"]), "o": rng.choice(["oneHot", "out", "onehot"]),
            "module": module_name(rng, ["BinToOneHot", "OneHotDecoder", "OhDecoder", "IndexToOneHot"])}


def util_muxcase(rng):
    n = rng.randint(2, 4)
    w = width(rng, 1, 32)
    conds = pick(rng, ["c0", "c1", "c2", "c3", "useA", "useB", "useC", "hi", "lo"], n)
    datas = pick(rng, ["d0", "d1", "d2", "d3", "dataA", "dataB", "dataC", "dataD"], n)
    default = rng.choice([0, rng.randrange(1 << min(w, 16))])
    return {"w": w, "conds": conds, "datas": datas, "conds_text": quoted(conds), "datas_text": quoted(datas),
            "cases_text": "; ".join(f"when `{c}` output `{d}`" for c, d in zip(conds, datas)), "default": default,
            "o": rng.choice(DATA_OUT), "module": module_name(rng, ["CaseMux", "PriorityCase", "MuxCaseUnit", "CondSelect"], w)}


def util_muxlookup(rng):
    n = rng.randint(2, 6)
    sw = rng.randint(log2_ceil(n), 4)
    w = width(rng, 1, 32)
    keys = sorted(rng.sample(range(1 << sw), n))
    datas = pick(rng, ["d0", "d1", "d2", "d3", "d4", "d5", "inA", "inB", "inC", "inD", "inE", "inF"], n)
    return {"n": n, "sw": sw, "w": w, "keys": keys, "datas": datas, "datas_text": quoted(datas),
            "keys_text": ", ".join(map(str, keys)), "default": rng.choice([0, rng.randrange(1 << min(w, 16))]),
            "cases_text": ", ".join(f"{k} selects `{d}`" for k, d in zip(keys, datas)), "sel": rng.choice(["sel", "key", "addr"]),
            "o": rng.choice(DATA_OUT), "module": module_name(rng, ["LookupMux", "TableSelect", "MuxLookupUnit", "KeyedMux"], w)}


def util_mux1h(rng):
    n = rng.randint(2, 6)
    w = width(rng, 1, 64)
    datas = pick(rng, ["in0", "in1", "in2", "in3", "in4", "in5", "srcA", "srcB", "srcC", "srcD"], n)
    return {"n": n, "w": w, "datas": datas, "datas_text": quoted(datas), "sel": rng.choice(["sel", "oneHotSel", "grant"]),
            "o": rng.choice(DATA_OUT), "module": module_name(rng, ["OneHotMux", "Mux1HUnit", "GrantMux", "HotSelect"], w)}


def util_cat(rng):
    n = rng.randint(2, 4)
    names = pick(rng, ["hi", "lo", "mid", "upper", "lower", "tag", "payload", "flags", "header"], n)
    parts = [(name, width(rng, 1, 16)) for name in names]
    return {"parts": parts, "total": sum(w for _, w in parts), "o": rng.choice(["out", "packed", "word"]),
            "parts_text": ", ".join(f"`{n}` ({w} bits)" for n, w in parts),
            "parts_names": ", ".join(n for n, _ in parts),
            "module": module_name(rng, ["Concat", "BusPacker", "CatUnit", "Packer"])}


def util_rotate(rng):
    w = width(rng, 2, 64)
    return {"w": w, "k": rng.randint(1, w - 1), "dir": rng.choice(["left", "right"]), **in_out(rng),
            "module": module_name(rng, ["Rotate", "RotateLeft", "BarrelRotate", "CircularShift"], w)}


SAMPLERS: dict[str, Callable[[random.Random], dict]] = {
    name: fn for name, fn in globals().items() if name.startswith(("l1_", "l2_", "l3_", "l4_", "util_")) and callable(fn)
}
