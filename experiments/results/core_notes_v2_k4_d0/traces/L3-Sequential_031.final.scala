import chisel3._
import chisel3.util._

class ShiftReg8stage extends Module {
  val io = IO(new Bundle {
    val in  = Input(UInt(1.W))
    val out = Output(UInt(1.W))
  })

  val stage0 = RegInit(0.U(1.W))
  val stage1 = RegNext(stage0)
  val stage2 = RegNext(stage1)
  val stage3 = RegNext(stage2)
  val stage4 = RegNext(stage3)
  val stage5 = RegNext(stage4)
  val stage6 = RegNext(stage5)
  val stage7 = RegNext(stage6)

  io.out := stage7
}
