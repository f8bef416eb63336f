import chisel3._
import chisel3.util._

class ShiftReg8stage extends Module {
  val io = IO(new Bundle {
    val in    = Input(Bool())
    val count = Output(UInt(8.W))
  })

  val reg = RegInit(0.U(8.W))
  reg := reg << 1 | io.in
  reg := reg(7, 0)
  io.count := reg
}
