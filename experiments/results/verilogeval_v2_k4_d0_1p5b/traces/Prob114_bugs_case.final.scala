import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val code  = Input(UInt(8.W))
    val out  = Output(UInt(4.W))
    val valid = Output(Bool())
  })
  val code = io.code
  val out = RegInit(0.U(4.W))
  val valid = RegInit(false.B)
  when(code > out) { out := code }
  valid := code > out
  io.out := out
  io.valid := valid
}
