import chisel3._

class ShiftReg4stage extends Module {
  val io = IO(new Bundle {
    val in  = Input(UInt(1.W))
    val out = Output(UInt(1.W))
  })
  val reg = RegInit(0.U(1.W))
  reg := io.in
  io.out := reg
}
