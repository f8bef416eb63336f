import chisel3._
import chisel3.util._

class ParamAdder(width: Int = 8) extends Module {
  val io = IO(new Bundle {
    val a  = Input(UInt(width.W))
    val b  = Input(UInt(width.W))
    val sum = Output(UInt(width + 1.W))
  })
  val carry = RegInit(0.U(width.W))
  val sum = RegInit(0.U(width + 1.W))
  when(io.a.asSInt + io.b.asSInt >= 0.S) {
    carry := carry + 1.U(width.W)
    sum := sum + io.a.asSInt + io.b.asSInt
  } else {
    sum := sum + io.a.asSInt + io.b.asSInt
  }
  io.sum := sum
}
