import chisel3._
import chisel3.util._
import chisel3.util.{Cat, RegNext}

class ShiftReg4stage_8bit extends Module {
  val io = IO(new Bundle {
    val in    = Input(UInt(8.W))
    val out   = Output(UInt(8.W))
  })
  val stage1 = RegInit(VecInit(Seq(0.U(8.W), 0.U(8.W), 0.U(8.W), 0.U(8.W))))
  val stage2 = RegInit(VecInit(Seq(0.U(8.W), 0.U(8.W), 0.U(8.W), 0.U(8.W))))
  val stage3 = RegInit(VecInit(Seq(0.U(8.W), 0.U(8.W), 0.U(8.W), 0.U(8.W))))
  val stage4 = RegInit(VecInit(Seq(0.U(8.W), 0.U(8.W), 0.U(8.W), 0.U(8.W))))
  val stage5 = RegInit(VecInit(Seq(0.U(8.W), 0.U(8.W), 0.U(8.W), 0.U(8.W))))
  val stage6 = RegInit(VecInit(Seq(0.U(8.W), 0.U(8.W), 0.U(8.W), 0.U(8.W))))
  val stage7 = RegInit(VecInit(Seq(0.U(8.W), 0.U(8.W), 0.U(8.W), 0.U(8.W))))
  val stage8 = RegInit(VecInit(Seq(0.U(8.W), 0.U(8.W), 0.U(8.W), 0.U(8.W))))
  
  when(io.in) {
    stage8 := stage7
    stage7 := stage6
    stage6 := stage5
    stage5 := stage4
    stage4 := stage3
    stage3 := stage2
    stage2 := stage1
    stage1 := io.in
  }
  
  io.out := Cat(stage1(0), stage2(0), stage3(0), stage4(0))
}
