import chisel3._

class Adder16bit extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(16.W))
    val b = Input(UInt(16.W))
    val sum = Output(UInt(17.W))
  })

  io.sum := io.a +& io.b
}
