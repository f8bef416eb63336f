import chisel3._
import chisel3.util._

class ShiftReg4stage_8bit extends Module {
  val io = IO(new Bundle {
    val in    = Input(Bool())
    val out   = Output(UInt(8.W))
  })

  val reg1 = RegInit(0.U(8.W))
  val reg2 = RegInit(0.U(8.W))
  val reg3 = RegInit(0.U(8.W))
  val reg4 = RegInit(0.U(8.W))

  when(io.in) {
    reg4 := reg3
    reg3 := reg2
    reg2 := reg1
    reg1 := io.in
  }

  io.out := reg1
}
