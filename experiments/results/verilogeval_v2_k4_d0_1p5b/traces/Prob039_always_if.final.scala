import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(1.W))
    val b    = Input(UInt(1.W))
    val sel_b1 = Input(UInt(1.W))
    val sel_b2 = Input(UInt(1.W))
    val out_assign = Output(UInt(1.W))
    val out_always = Output(UInt(1.W))
  })
  val out_assign = io.a ^ io.b
  val out_always = io.a ^ io.b
  io.out_assign := out_assign
  io.out_always := out_always
}
