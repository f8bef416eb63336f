import chisel3._
import chisel3.util._

class ShiftReg4stage_8bit extends Module {
  val io = IO(new Bundle {
    val in  = Input(UInt(8.W))
    val out = Output(UInt(8.W))
  })

  val r0 = RegInit(0.U(8.W))
  val r1 = RegInit(0.U(8.W))
  val r2 = RegInit(0.U(8.W))
  val r3 = RegInit(0.U(8.W))

  when(io.in === r0) {
    r1 := r0
    r2 := r1
    r3 := r2
  }.elsewhen(io.in === r1) {
    r2 := r1
    r3 := r2
  }.elsewhen(io.in === r2) {
    r3 := r2
  }.elsewhen(io.in === r3) {
    r0 := r3
  }

  io.out := r0
}
