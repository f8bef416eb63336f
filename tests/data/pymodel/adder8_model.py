"""Reference model of examples/adder8.txt: an 8-bit wrapping adder, purely combinational."""


class Model:
    def reset(self):
        pass  # no state

    def step(self, inputs):
        return {"sum": (inputs["a"] + inputs["b"]) & 0xFF}
