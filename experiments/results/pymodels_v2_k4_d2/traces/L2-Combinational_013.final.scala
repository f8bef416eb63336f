import chisel3._

class Adder8bit extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(8.W))
    val b = Input(UInt(8.W))
    val sum = Output(UInt(9.W))
  })

  val sum9 = io.a.asUInt + io.b.asUInt + RegInit(0.U(9.W))

  io.sum := sum9
}
