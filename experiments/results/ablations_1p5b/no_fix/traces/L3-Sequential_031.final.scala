import chisel3._
import chisel3.util._

class ShiftReg8stage extends Module {
  val io = IO(new Bundle {
    val in    = Input(Bool())
    val count = Output(UInt(8.W))
  })

  val reg = RegInit(0.U(8.W))
  val prev = RegInit(0.U(8.W))

  when(io.in && !prev) {
    reg := reg.asUInt + 1.U
  }
  reg := reg.asUInt << 1.U
  prev := reg

  io.count := reg
}
