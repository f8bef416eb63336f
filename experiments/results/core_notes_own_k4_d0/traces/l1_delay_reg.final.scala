import chisel3._

class DelayReg extends Module {
  val io = IO(new Bundle {
    val in = Input(UInt(8.W))
    val out = Output(UInt(8.W))
  })

  val register = RegInit(0.U(8.W))
  register := io.in
  io.out := register
}
