"""Every VerilogEval v2 prompt's ports are read completely by the interface parser: for each of the 156
problems, the ports of the reference (`RefModule` in *_ref.sv, read by the harness's port parser) are the
ports parse_interface finds in the prompt, with direction and width. Skips without the dataset
(CHISEL_AGENT_VERILOGEVAL, default ../ext/verilog-eval/dataset_spec-to-rtl)."""
from __future__ import annotations

from agent.oracle_free.interface import parse_interface
from reflect_env.sim.ports import parse_ports

# The prompt itself states something else than its reference; the parser reads what the prompt says.
PROMPT_DIFFERS = {
    # ` - input q` in the prompt; the reference's q is an output (a slip in the dataset).
    "Prob031_dff": {"q": ("input", 1)},
}


def test_every_prompt_states_its_references_ports(verilogeval):
    prompts = sorted(verilogeval.glob("Prob*_prompt.txt"))
    assert len(prompts) == 156
    wrong, sources = {}, {}
    for prompt in prompts:
        stem = prompt.name.removesuffix("_prompt.txt")
        want = {p.name: (p.direction, p.width) for p in parse_ports((verilogeval / f"{stem}_ref.sv").read_text(),
                                                                    "RefModule")}
        want.update(PROMPT_DIFFERS.get(stem, {}))
        iface = parse_interface(prompt.read_text())
        assert iface is not None and iface.exhaustive, stem
        sources[iface.source] = sources.get(iface.source, 0) + 1
        got = {p.name: (p.direction, p.width) for p in iface.ports}
        if iface.source == "verilog-header":  # widths of a quoted buggy module are not kept (see verilog_header)
            want = {n: (d, None) for n, (d, _) in want.items()}
        if got != want:
            wrong[stem] = (want, got)
    assert wrong == {}
    # 153 port lists and the three "this module has a bug" problems that quote a Verilog header.
    assert sources == {"port-list": 153, "verilog-header": 3}


def test_port_list_forms_seen_in_verilogeval():
    spec = ("interface. All input and output ports are one bit unless otherwise specified.\n\n"
            " - input  clk,\n - input  in  (8  bits)\n - output out_hi ( 8 bits)\n  - input  sel (  8 bits)\n"
            " - output q    (512 bits)\n")
    iface = parse_interface(spec)
    assert [(p.name, p.direction, p.width) for p in iface.ports] == [
        ("clk", "input", 1), ("in", "input", 8), ("out_hi", "output", 8), ("sel", "input", 8), ("q", "output", 512)]


def test_a_quoted_verilog_header_gives_every_port():
    spec = """Consider the following adder-subtractor:

  synthesis verilog_input_version verilog_2001
  module TopModule (
      input do_sub,
      input [7:0] a, b,
      output reg [7:0] out,
      output reg result_is_zero
  );
      always @(*) out = do_sub ? a - b : a + b;
  endmodule

Unfortunately, this module has a bug."""
    iface = parse_interface(spec)
    assert iface.source == "verilog-header" and iface.exhaustive
    assert [(p.name, p.direction) for p in iface.ports] == [
        ("do_sub", "input"), ("a", "input"), ("b", "input"), ("out", "output"), ("result_is_zero", "output")]
