class Model:
    def reset(self):
        pass

    def step(self, inputs):
        return {"sum": (inputs["a"] + inputs["b"]) & 0xFF}
