import chisel3._

class Adder8 extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(8.W))
    val b = Input(UInt(8.W))
    val sum = Output(UInt(8.W))
  })

  val sum = io.a +& io.b
  io.sum := Mux(sum(7), ~0.U(8.W), sum(6, 0))
}
