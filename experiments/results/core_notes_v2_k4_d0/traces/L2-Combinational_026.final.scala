import chisel3._

class BitwiseAnd16 extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(16.W))
    val b = Input(UInt(16.W))
    val out = Output(UInt(16.W))
  })

  io.out := io.a & io.b
}
