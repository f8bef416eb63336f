import chisel3._
import chisel3.util._

class Adder32bit extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(32.W))
    val b    = Input(UInt(32.W))
    val sum  = Output(UInt(33.W))
  })
  val carry = RegInit(false.B)
  val sum = RegInit(0.U(33.W))
  val wide = sum +& carry                        // one bit wider than the wider operand: keeps the carry
  val wrap = sum + y                         // as wide as the wider operand: the carry is dropped
  val s    = x.asSInt + y.asSInt           // signed add
  val neg  = -x.asSInt                     // or 0.S - x
  val lit  = -5.S(8.W)                     // signed literal
  val abs  = Mux(s < 0.S, (-s).asUInt, s.asUInt)
}
