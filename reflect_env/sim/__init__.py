"""SystemVerilog-level simulation for reflect_env: differential (DUT vs reference), the VerilogEval v2
testbench protocol, and the seed project's Verilator C++ testbench protocol."""
from reflect_env.sim.differential import differential, port_differences
from reflect_env.sim.ports import Port, PortError, module_names, parse_ports
from reflect_env.sim.rename import prefix_modules
from reflect_env.sim.result import SimResult
from reflect_env.sim.signals import classify
from reflect_env.sim.verilator_tb import verilator_cpp
from reflect_env.sim.verilogeval import verilogeval

__all__ = [
    "SimResult", "Port", "PortError", "parse_ports", "module_names", "prefix_modules", "classify",
    "differential", "port_differences", "verilogeval", "verilator_cpp",
]
