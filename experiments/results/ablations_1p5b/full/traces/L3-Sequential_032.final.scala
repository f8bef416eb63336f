import chisel3._
import chisel3.util._

class ShiftReg4stage_8bit extends Module {
  val io = IO(new Bundle {
    val in    = Input(Bool())
    val out   = Output(UInt(8.W))
  })
  val stage1 = RegInit(0.U(8.W))
  val stage2 = RegInit(0.U(8.W))
  val stage3 = RegInit(0.U(8.W))
  val stage4 = RegInit(0.U(8.W))
  when(io.in) {
    stage1 := stage2
    stage2 := stage3
    stage3 := stage4
    stage4 := io.in
  }
  io.out := stage4
}
