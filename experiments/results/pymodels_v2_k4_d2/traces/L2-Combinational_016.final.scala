import chisel3._

class Mux2to1_8bit extends Module {
  val io = IO(new Bundle {
    val sel = Input(UInt(1.W))
    val a = Input(UInt(8.W))
    val b = Input(UInt(8.W))
    val out = Output(UInt(8.W))
  })

  io.out := Mux(io.sel.asBool, io.a, io.b)
}
