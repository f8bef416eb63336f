import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val scancode = Input(UInt(16.W))
    val left    = Output(Bool())
    val down    = Output(Bool())
    val right   = Output(Bool())
    val up      = Output(Bool())
  })
  val left  = RegInit(false.B)
  val down  = RegInit(false.B)
  val right = RegInit(false.B)
  val up    = RegInit(false.B)
  when(io.scancode(15)) { left := true.B }
  when(io.scancode(14)) { down := true.B }
  when(io.scancode(13)) { right := true.B }
  when(io.scancode(12)) { up    := true.B }
  io.left := left
  io.down := down
  io.right := right
  io.up := up
}
