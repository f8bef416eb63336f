import chisel3._

class Mux2to1_16bit extends Module {
  val io = IO(new Bundle {
    val sel = Input(UInt(1.W))
    val a = Input(UInt(16.W))
    val b = Input(UInt(16.W))
    val out = Output(UInt(16.W))
  })

  io.out := Mux(io.sel, io.a, io.b)
}
