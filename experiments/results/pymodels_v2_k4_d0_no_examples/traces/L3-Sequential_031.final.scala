import chisel3._
import chisel3.util._

class ShiftReg8stage extends Module {
  val io = IO(new Bundle {
    val in    = Input(Bool())
    val out   = Output(UInt(1.W))
  })

  val reg = RegInit(0.U(1.W))
  reg := RegNext(reg << 1 | io.in)
  io.out := reg(0)
}
