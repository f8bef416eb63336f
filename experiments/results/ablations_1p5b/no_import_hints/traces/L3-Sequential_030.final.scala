import chisel3._
import chisel3.util._

class ShiftReg4stage extends Module {
  val io = IO(new Bundle {
    val in    = Input(Bool())
    val out   = Output(Bool())
  })
  val stage1 = RegInit(0.U(1.W))
  val stage2 = RegInit(0.U(1.W))
  val stage3 = RegInit(0.U(1.W))
  val stage4 = RegInit(0.U(1.W))
  val stage1Next = RegNext(stage1, io.in)
  val stage2Next = RegNext(stage2, stage1Next)
  val stage3Next = RegNext(stage3, stage2Next)
  val stage4Next = RegNext(stage4, stage3Next)
  when(io.in) {
    stage1 := stage1Next
    stage2 := stage2Next
    stage3 := stage3Next
    stage4 := stage4Next
  }
  io.out := stage4
}
